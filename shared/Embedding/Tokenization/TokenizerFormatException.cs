namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// A <c>tokenizer.json</c> that is malformed, or that asks for a component this tokenizer does not implement (a
/// normalizer, a model other than BPE, BPE dropout). Thrown only while loading; encoding never throws it.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    public TokenizerFormatException(string message)
        : base(message)
    {
    }

    public TokenizerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TokenizerFormatException()
    {
    }
}
