using System.Buffers;

namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// Finds added tokens (&lt;s&gt;, &lt;/s&gt;, &lt;mask&gt;, …) in raw text, so the text between them is what goes
/// through pre-tokenization and BPE.
/// </summary>
/// <remarks>
/// Follows <c>AddedVocabulary::find_matches</c> in huggingface/tokenizers <c>tokenizer/added_vocabulary.rs</c>:
/// leftmost match first, the longest one when several start at the same place (its Aho-Corasick LeftmostLongest);
/// lstrip extends a match left over whitespace and rstrip right over whitespace, never into the previous match;
/// a single_word token is skipped where a letter, digit or '_' touches it. The library matches non-normalized and
/// normalized added tokens in two passes; with no normalizer (RoBERTa) the two passes see the same text, so one
/// pass over all of them is the same.
/// </remarks>
internal sealed class AddedTokenMatcher
{
    private readonly AddedToken[] _tokens;
    private readonly SearchValues<char> _firstChars;

    public AddedTokenMatcher(IReadOnlyList<AddedToken> tokens)
    {
        var usable = new List<AddedToken>(tokens.Count);
        var firsts = new HashSet<char>();
        foreach (AddedToken token in tokens)
        {
            if (token.Content.Length > 0)
            {
                usable.Add(token);
                firsts.Add(token.Content[0]);
            }
        }

        _tokens = [.. usable];
        var firstArray = new char[firsts.Count];
        firsts.CopyTo(firstArray);
        _firstChars = SearchValues.Create(firstArray);
    }

    /// <summary>
    /// Finds the first added token at or after <paramref name="from"/>. <paramref name="matchStart"/> and
    /// <paramref name="matchEnd"/> include any whitespace the token strips; nothing before <paramref name="from"/>
    /// is taken.
    /// </summary>
    public bool TryFindNext(ReadOnlySpan<char> text, int from, out int matchStart, out int matchEnd, out int id)
    {
        int position = from;
        while (position < text.Length)
        {
            int offset = text[position..].IndexOfAny(_firstChars);
            if (offset < 0)
            {
                break;
            }

            position += offset;
            AddedToken? best = null;
            foreach (AddedToken token in _tokens)
            {
                if ((best is null || token.Content.Length > best.Content.Length)
                    && text[position..].StartsWith(token.Content, StringComparison.Ordinal)
                    && (!token.SingleWord || IsSingleWord(text, position, position + token.Content.Length)))
                {
                    best = token;
                }
            }

            if (best is not null)
            {
                matchStart = position;
                matchEnd = position + best.Content.Length;
                if (best.LeftStrip)
                {
                    while (matchStart > from && char.IsWhiteSpace(text[matchStart - 1]))
                    {
                        matchStart--;
                    }
                }

                if (best.RightStrip)
                {
                    while (matchEnd < text.Length && char.IsWhiteSpace(text[matchEnd]))
                    {
                        matchEnd++;
                    }
                }

                id = best.Id;
                return true;
            }

            position++;
        }

        matchStart = matchEnd = text.Length;
        id = -1;
        return false;
    }

    private static bool IsSingleWord(ReadOnlySpan<char> text, int start, int end) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (end >= text.Length || !IsWordChar(text[end]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
