namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// What a <c>tokenizer.json</c> says, as far as a byte-level BPE text encoder needs it; built by
/// <see cref="TokenizerJsonReader"/>.
/// </summary>
internal sealed class TokenizerDefinition
{
    public required BpeModel Model { get; init; }

    public required IReadOnlyList<AddedToken> AddedTokens { get; init; }

    /// <summary>ByteLevel <c>add_prefix_space</c>: a space before every run of text that does not start with one.</summary>
    public bool AddPrefixSpace { get; init; }

    /// <summary>ByteLevel <c>use_regex</c>: split with GPT-2's pattern; false leaves each run of text whole.</summary>
    public bool UseRegex { get; init; } = true;

    /// <summary>Ids the post-processor puts before the text (RoBERTa: &lt;s&gt;).</summary>
    public int[] PrefixIds { get; init; } = [];

    /// <summary>Ids the post-processor puts after the text (RoBERTa: &lt;/s&gt;).</summary>
    public int[] SuffixIds { get; init; } = [];

    /// <summary><c>truncation.max_length</c>, special tokens included; null when the file has no truncation.</summary>
    public int? TruncationMaxLength { get; init; }

    /// <summary><c>truncation.direction</c> "Left": drop the start of the text instead of its end.</summary>
    public bool TruncateLeft { get; init; }

    /// <summary>
    /// <c>padding.strategy</c> {"Fixed": n}; null for "BatchLongest" or no padding section (a batch is padded to its
    /// longest row either way, since the model takes a rectangle).
    /// </summary>
    public int? PadToFixedLength { get; init; }

    /// <summary><c>padding.pad_to_multiple_of</c>; null or 0 for none.</summary>
    public int? PadToMultipleOf { get; init; }

    /// <summary><c>padding.direction</c> "Left": padding before the tokens.</summary>
    public bool PadLeft { get; init; }

    /// <summary><c>padding.pad_id</c>, else the id of &lt;pad&gt;, else 0.</summary>
    public int PadId { get; init; }
}
