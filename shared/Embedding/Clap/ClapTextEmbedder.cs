using AudioFunctions.Embedding.Tokenization;
using AudioFunctions.Inference;

namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// CLAP's text tower on ONNX Runtime: texts are tokenized by the folder's <c>tokenizer.json</c>
/// (<see cref="ByteLevelBpeTokenizer"/>: RoBERTa's &lt;s&gt; … &lt;/s&gt;, truncated as the file says, a batch padded
/// to its longest row), the model maps <c>input_ids</c> and <c>attention_mask</c> [batch, sequence] to
/// <c>text_embeds</c> [batch, D], and each row is L2-normalised. Its vectors share <see cref="ClapModelFolder.Space"/>
/// with <see cref="ClapAudioEmbedder"/>'s, so a text vector ranks audio vectors of the same model by cosine.
/// </summary>
/// <remarks>
/// A text that is empty or only white space has no tokens to describe anything (the tokenizer would give only
/// &lt;s&gt;&lt;/s&gt;, whose vector is the same for every such text): it gets all zeros, as
/// <see cref="ITextEmbedder.Embed"/> has it, and is not sent to the model. The model is checked against the contract
/// at construction; runs go through a pool of sessions (<see cref="OnnxSessionPool"/>).
/// </remarks>
public sealed class ClapTextEmbedder : ITextEmbedder, IDisposable
{
    public const string InputIdsName = "input_ids";
    public const string AttentionMaskName = "attention_mask";
    public const string OutputName = "text_embeds";

    private const string Model = "text model";

    private readonly ByteLevelBpeTokenizer _tokenizer;
    private readonly OnnxSessionPool _sessions;

    /// <param name="runtime">The loaded ONNX Runtime; not owned.</param>
    /// <param name="folder">The model folder.</param>
    /// <param name="sessionsPerModel">Sessions of the text model opened at most (runs that go at once).</param>
    /// <exception cref="InvalidOperationException">The model's inputs or output differ from the contract.</exception>
    /// <exception cref="TokenizerFormatException">The tokenizer file is malformed or not byte-level BPE.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model.</exception>
    public ClapTextEmbedder(OnnxRuntime runtime, ClapModelFolder folder, int sessionsPerModel)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(folder);
        _tokenizer = ByteLevelBpeTokenizer.LoadFile(folder.TokenizerPath);
        _sessions = new OnnxSessionPool(runtime, folder.TextModelPath, sessionsPerModel);
        try
        {
            long[] tokens = [ClapModelContract.Symbolic, ClapModelContract.Symbolic];
            ClapModelContract.CheckInputs(Model, _sessions.Inputs,
                new OnnxNodeInfo(InputIdsName, TensorElementType.Int64, tokens),
                new OnnxNodeInfo(AttentionMaskName, TensorElementType.Int64, tokens));
            var dimensions = ClapModelContract.CheckEmbeddingOutput(Model, _sessions.Outputs, OutputName);
            Space = folder.Space(dimensions);
        }
        catch
        {
            _sessions.Dispose();
            throw;
        }
    }

    public EmbeddingSpace Space { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The destination is not <see cref="EmbeddingSpace.Dimensions"/> floats.</exception>
    public void Embed(string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        EmbedBatch([text], destination);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The texts with tokens go through the model in one run, padded to the longest of them; the attention mask keeps
    /// padding out of each text's vector. Allocates the token tensors (two int64 per token of the padded batch).
    /// </remarks>
    /// <exception cref="ArgumentException">The destination is not one vector per text.</exception>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var dimensions = Space.Dimensions;
        if (destination.Length != texts.Count * dimensions)
            throw new ArgumentException($"A batch of {texts.Count} texts needs {texts.Count * dimensions} floats.", nameof(destination));

        var rows = new List<int>(texts.Count);   // the positions in texts of the ones the model sees
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException("A text is null.", nameof(texts));
            if (string.IsNullOrWhiteSpace(text))
                destination.Slice(i * dimensions, dimensions).Clear();
            else
                rows.Add(i);
        }
        if (rows.Count == 0)
            return;

        var batch = _tokenizer.EncodeBatch(rows.Count == texts.Count ? texts : rows.ConvertAll(i => texts[i]));
        var inputs = new[]
        {
            OnnxTensor.Int64(InputIdsName, batch.InputIds, batch.BatchSize, batch.SequenceLength),
            OnnxTensor.Int64(AttentionMaskName, batch.AttentionMask, batch.BatchSize, batch.SequenceLength),
        };
        var output = new float[rows.Count * dimensions];
        long[] shape;
        using (var lease = _sessions.Rent())
            shape = lease.Session.Run(inputs, OutputName, output);
        if (shape.Length != 2 || shape[0] != rows.Count || shape[1] != dimensions)
            throw new InvalidOperationException(
                $"The CLAP text model returned {OutputName} of shape [{string.Join(", ", shape)}] for {rows.Count} texts; expected [{rows.Count}, {dimensions}].");

        for (var row = 0; row < rows.Count; row++)
        {
            var vector = destination.Slice(rows[row] * dimensions, dimensions);
            output.AsSpan(row * dimensions, dimensions).CopyTo(vector);
            ClapVectors.Normalize(vector);
        }
    }

    public void Dispose() => _sessions.Dispose();
}
