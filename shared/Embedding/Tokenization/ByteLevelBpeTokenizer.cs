using System.Buffers;
using System.Text;

namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// A byte-level BPE tokenizer (GPT-2 / RoBERTa, as used by CLAP's text model) driven by a Hugging Face
/// <c>tokenizer.json</c>: turns texts into the <c>input_ids</c> and <c>attention_mask</c> a text encoder takes.
/// </summary>
/// <remarks>
/// The pipeline is that of huggingface/tokenizers' <c>Tokenizer::encode</c> for a single sequence: added tokens are
/// cut out of the raw text first (<see cref="AddedTokenMatcher"/>); each run of text between them gets a leading
/// space when ByteLevel's <c>add_prefix_space</c> is set and it does not start with one (the library prepends per
/// run, and leaves an empty run empty), is split by GPT-2's pattern (<see cref="Gpt2PreTokenizer"/>), written as
/// UTF-8 in the byte-level alphabet (<see cref="ByteLevelAlphabet"/>), and BPE-merged (<see cref="BpeModel"/>).
/// The ids are truncated to the maximum length less the post-processor's special tokens, then wrapped (RoBERTa:
/// &lt;s&gt; … &lt;/s&gt;), so truncation never drops &lt;/s&gt;. Offsets and type ids are not produced.
/// Thread-safe; one instance is meant to be shared.
/// </remarks>
public sealed class ByteLevelBpeTokenizer
{
    /// <summary>
    /// The length used when <c>tokenizer.json</c> has no truncation section: transformers' <c>model_max_length</c>
    /// for RoBERTa, its 514 positions less the 2 the position ids skip.
    /// </summary>
    public const int DefaultModelMaxLength = 512;

    /// <summary>UTF-8 pieces up to this many bytes are mapped on the stack.</summary>
    private const int StackPieceBytes = 256;

    private readonly BpeModel _model;
    private readonly AddedTokenMatcher _addedTokens;
    private readonly TokenizerDefinition _definition;
    private readonly int _maxContentLength;

    private ByteLevelBpeTokenizer(TokenizerDefinition definition, int modelMaxLength)
    {
        _definition = definition;
        _model = definition.Model;
        _addedTokens = new AddedTokenMatcher(definition.AddedTokens);
        MaxLength = definition.TruncationMaxLength ?? modelMaxLength;
        int specials = definition.PrefixIds.Length + definition.SuffixIds.Length;
        if (MaxLength < specials)
        {
            throw new TokenizerFormatException($"The maximum length {MaxLength} cannot hold the {specials} special tokens.");
        }

        _maxContentLength = MaxLength - specials;
    }

    /// <summary>Most tokens in one row, special tokens included.</summary>
    public int MaxLength { get; }

    /// <summary>The id written into padding positions.</summary>
    public long PadId => _definition.PadId;

    /// <summary>Words whose ids are cached; bounded by the cache capacity.</summary>
    internal int CachedWordCount => _model.CachedWordCount;

    /// <summary>
    /// Reads a <c>tokenizer.json</c>. <paramref name="modelMaxLength"/> is the length cap when the file has no
    /// truncation section (tokenizer_config.json's <c>model_max_length</c>).
    /// </summary>
    /// <exception cref="TokenizerFormatException">Malformed JSON, or a component this tokenizer does not implement.</exception>
    public static ByteLevelBpeTokenizer Load(Stream utf8Json, int modelMaxLength = DefaultModelMaxLength) =>
        Load(utf8Json, modelMaxLength, BpeModel.DefaultCacheCapacity);

    /// <summary>Reads a <c>tokenizer.json</c> file; see <see cref="Load(Stream, int)"/>.</summary>
    public static ByteLevelBpeTokenizer LoadFile(string path, int modelMaxLength = DefaultModelMaxLength)
    {
        using FileStream stream = File.OpenRead(path);
        return Load(stream, modelMaxLength);
    }

    internal static ByteLevelBpeTokenizer Load(Stream utf8Json, int modelMaxLength, int cacheCapacity)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(modelMaxLength);
        return new ByteLevelBpeTokenizer(TokenizerJsonReader.Read(utf8Json, cacheCapacity), modelMaxLength);
    }

    /// <summary>
    /// The ids of one text with its special tokens, truncated to <see cref="MaxLength"/>, unpadded. Allocates the
    /// returned array.
    /// </summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new TokenIdBuffer(64);
        try
        {
            EncodeRow(text, ref ids);
            return ids.Items.ToArray();
        }
        finally
        {
            ids.Dispose();
        }
    }

    /// <summary>
    /// Encodes a batch into <c>[texts.Count, SequenceLength]</c> tensors. Rows are padded to the longest row, or to
    /// the fixed length of the file's padding section (to the longest row if one is longer), then up to
    /// <c>pad_to_multiple_of</c>. Cost: linear in the text up to <see cref="MaxLength"/> tokens per text (tokenizing
    /// stops once a right-truncated row is full); cached words cost a lookup.
    /// </summary>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int count = texts.Count;
        int[][] rows = new int[count][];
        int longest = 0;
        for (int i = 0; i < count; i++)
        {
            rows[i] = Encode(texts[i]);
            longest = Math.Max(longest, rows[i].Length);
        }

        int length = Math.Max(longest, _definition.PadToFixedLength ?? 0);
        int multiple = _definition.PadToMultipleOf ?? 0;
        if (multiple > 0 && length % multiple != 0)
        {
            length += multiple - (length % multiple);
        }

        long[] inputIds = new long[count * length];
        long[] attentionMask = new long[count * length];
        long padId = _definition.PadId;
        for (int i = 0; i < count; i++)
        {
            int[] row = rows[i];
            Span<long> ids = inputIds.AsSpan(i * length, length);
            Span<long> mask = attentionMask.AsSpan(i * length, length);
            int start = _definition.PadLeft ? length - row.Length : 0;
            ids.Fill(padId);
            for (int t = 0; t < row.Length; t++)
            {
                ids[start + t] = row[t];
            }

            mask.Slice(start, row.Length).Fill(1);
        }

        return new TokenBatch(count, length, inputIds, attentionMask);
    }

    private void EncodeRow(string text, ref TokenIdBuffer row)
    {
        var content = new TokenIdBuffer(64);
        try
        {
            EncodeContent(text, ref content);
            ReadOnlySpan<int> kept = content.Items;
            if (kept.Length > _maxContentLength)
            {
                kept = _definition.TruncateLeft
                    ? kept[(kept.Length - _maxContentLength)..]
                    : kept[.._maxContentLength];
            }

            row.AddRange(_definition.PrefixIds);
            row.AddRange(kept);
            row.AddRange(_definition.SuffixIds);
        }
        finally
        {
            content.Dispose();
        }
    }

    private void EncodeContent(string text, ref TokenIdBuffer content)
    {
        // Right truncation keeps a prefix of the ids, and later text never changes earlier ids, so tokenizing can
        // stop as soon as that prefix is complete: a huge text costs no more than MaxLength tokens of work.
        bool canStopEarly = !_definition.TruncateLeft;
        ReadOnlySpan<char> span = text;
        int position = 0;
        while (position < span.Length)
        {
            if (canStopEarly && content.Count > _maxContentLength)
            {
                return;
            }

            bool found = _addedTokens.TryFindNext(span, position, out int matchStart, out int matchEnd, out int id);
            EncodeRun(span[position..matchStart], ref content);
            if (!found)
            {
                return;
            }

            content.Add(id);
            position = matchEnd;
        }
    }

    private void EncodeRun(ReadOnlySpan<char> run, ref TokenIdBuffer content)
    {
        if (run.IsEmpty)
        {
            return;
        }

        if (!_definition.AddPrefixSpace || run[0] == ' ')
        {
            EncodePieces(run, ref content);
            return;
        }

        char[] prefixed = ArrayPool<char>.Shared.Rent(run.Length + 1);
        try
        {
            prefixed[0] = ' ';
            run.CopyTo(prefixed.AsSpan(1));
            EncodePieces(prefixed.AsSpan(0, run.Length + 1), ref content);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(prefixed);
        }
    }

    private void EncodePieces(ReadOnlySpan<char> run, ref TokenIdBuffer content)
    {
        if (!_definition.UseRegex)
        {
            EncodePiece(run, ref content);
            return;
        }

        int start = 0;
        while (start < run.Length)
        {
            if (!_definition.TruncateLeft && content.Count > _maxContentLength)
            {
                return;
            }

            int end = Gpt2PreTokenizer.NextPieceEnd(run, start);
            EncodePiece(run[start..end], ref content);
            start = end;
        }
    }

    private void EncodePiece(ReadOnlySpan<char> piece, ref TokenIdBuffer content)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(piece.Length);
        byte[]? rentedBytes = null;
        char[]? rentedSymbols = null;
        Span<byte> bytes = maxBytes <= StackPieceBytes
            ? stackalloc byte[StackPieceBytes]
            : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxBytes));
        Span<char> symbols = maxBytes <= StackPieceBytes
            ? stackalloc char[StackPieceBytes]
            : (rentedSymbols = ArrayPool<char>.Shared.Rent(maxBytes));
        try
        {
            // Unpaired surrogates become U+FFFD's bytes, as a Rust string (which cannot hold them) would have it.
            int byteCount = Encoding.UTF8.GetBytes(piece, bytes);
            ByteLevelAlphabet.Map(bytes[..byteCount], symbols);
            _model.AppendWord(symbols[..byteCount], ref content);
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedSymbols is not null)
            {
                ArrayPool<char>.Shared.Return(rentedSymbols);
            }
        }
    }
}
