using System.Globalization;
using System.Text;

namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// Splits text into the pieces BPE runs on, as GPT-2's pattern
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> does (the pattern of
/// huggingface/tokenizers <c>pre_tokenizers/byte_level.rs</c> when <c>use_regex</c> is true).
/// </summary>
/// <remarks>
/// Written as a scanner rather than a <see cref="System.Text.RegularExpressions.Regex"/> so it allocates nothing and
/// classifies whole code points (a .NET regex sees a supplementary letter as two surrogates, which are not \p{L}).
/// At each position the alternatives are tried in the pattern's order, each greedy: a contraction (case-sensitive,
/// as in the pattern), then an optional single ' ' before a run of letters, of numbers, or of other characters;
/// then a whitespace run that stops one short of a following non-space (so that space joins the next word), then
/// any whitespace run. \s is Unicode White_Space, \p{L} the L* categories, \p{N} the N* categories.
/// </remarks>
internal static class Gpt2PreTokenizer
{
    private enum CharClass
    {
        Letter,
        Number,
        Space,
        Other,
    }

    /// <summary>The end (exclusive) of the piece that starts at <paramref name="start"/>; always past it.</summary>
    public static int NextPieceEnd(ReadOnlySpan<char> text, int start)
    {
        int contraction = ContractionLength(text, start);
        if (contraction > 0)
        {
            return start + contraction;
        }

        CharClass first = ClassAt(text, start, out int firstLength);
        int runStart = start;
        CharClass runClass = first;
        if (text[start] == ' ' && start + 1 < text.Length)
        {
            CharClass next = ClassAt(text, start + 1, out _);
            if (next != CharClass.Space)
            {
                // " ?X+" takes the single space together with the run after it.
                runStart = start + 1;
                runClass = next;
            }
        }

        if (runClass != CharClass.Space)
        {
            return RunEnd(text, runStart, runClass);
        }

        // A whitespace run: \s+(?!\S) backs off one char when a non-space follows, leaving it for " ?X+";
        // a lone whitespace char before a non-space falls to the final \s+.
        int end = RunEnd(text, start, CharClass.Space);
        if (end < text.Length && end - start > firstLength)
        {
            return end - LastCharLength(text, end);
        }

        return end;
    }

    private static int RunEnd(ReadOnlySpan<char> text, int position, CharClass runClass)
    {
        while (position < text.Length && ClassAt(text, position, out int length) == runClass)
        {
            position += length;
        }

        return position;
    }

    private static int ContractionLength(ReadOnlySpan<char> text, int start)
    {
        if (text[start] != '\'' || start + 1 >= text.Length)
        {
            return 0;
        }

        char a = text[start + 1];
        if (a is 's' or 't' or 'm' or 'd')
        {
            return 2;
        }

        if (start + 2 < text.Length)
        {
            char b = text[start + 2];
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
            {
                return 3;
            }
        }

        return 0;
    }

    private static int LastCharLength(ReadOnlySpan<char> text, int end) =>
        end >= 2 && char.IsLowSurrogate(text[end - 1]) && char.IsHighSurrogate(text[end - 2]) ? 2 : 1;

    private static CharClass ClassAt(ReadOnlySpan<char> text, int position, out int length)
    {
        // An unpaired surrogate decodes as U+FFFD (a symbol, so "other"), as UTF-8 encoding will write it.
        Rune.DecodeFromUtf16(text[position..], out Rune rune, out length);
        if (Rune.IsWhiteSpace(rune))
        {
            return CharClass.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
                or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }
}
