using AudioFunctions.Embedding.Tokenization;

namespace AudioFunctions.Tests.Embedding.Tokenization;

public sealed class Gpt2PreTokenizerTests
{
    // Expected pieces are those huggingface/tokenizers' own ByteLevel tests list for the same inputs (before the
    // byte-level mapping: "Ġ" there is a space here), plus cases worked out from the pattern's alternatives.
    [Theory]
    [InlineData("Hello my friend, how is your day going?", new[] { "Hello", " my", " friend", ",", " how", " is", " your", " day", " going", "?" })]
    [InlineData("Hello there\nHello there", new[] { "Hello", " there", "\n", "Hello", " there" })]
    [InlineData("Hello there       dear", new[] { "Hello", " there", "      ", " dear" })]
    [InlineData("i⭢j", new[] { "i", "⭢", "j" })]
    // Contractions are case-sensitive and only the listed ones; "'x" falls to the symbol run.
    [InlineData("we'll they'RE it'x", new[] { "we", "'ll", " they", "'", "RE", " it", "'", "x" })]
    // Numbers are their own runs; a space joins the run after it.
    [InlineData("abc123 45!!", new[] { "abc", "123", " 45", "!!" })]
    // Trailing whitespace is one piece; a tab before a word stays alone (only ' ' joins a word).
    [InlineData("a\tb  ", new[] { "a", "\t", "b", "  " })]
    // A supplementary-plane letter (U+1D49C) is a letter, not two symbols: it joins the space before it.
    [InlineData("x \U0001D49C!", new[] { "x", " \U0001D49C", "!" })]
    public void Splits_AsGpt2Pattern(string text, string[] expected)
    {
        var pieces = new List<string>();
        int start = 0;
        while (start < text.Length)
        {
            int end = Gpt2PreTokenizer.NextPieceEnd(text, start);
            Assert.True(end > start);
            pieces.Add(text[start..end]);
            start = end;
        }

        Assert.Equal(expected, pieces);
    }
}
