using AudioFunctions.Inference;

namespace AudioFunctions.Embedding.Speech;

/// <summary>
/// The inputs and outputs <see cref="SpeechAudioEmbedder"/> relies on, checked when the models are opened so that a
/// wrong file fails at start with what differs rather than at the first window.
/// </summary>
internal static class SpeechModelContract
{
    public const string MelInput = "input";
    public const string MelOutput = "output";
    public const string EmbeddingInput = "input_1";

    /// <summary>openWakeWord's mel model: <c>input</c> [batch, samples] → <c>output</c> [batch, 1, frames, 32].</summary>
    /// <exception cref="InvalidOperationException">The model's inputs or outputs differ; the message says how.</exception>
    public static void CheckMel(string path, IReadOnlyList<OnnxNodeInfo> inputs, IReadOnlyList<OnnxNodeInfo> outputs)
    {
        var input = Single(path, "input", inputs);
        Expect(path, input, MelInput, [-1, -1]);
        var output = Single(path, "output", outputs);
        Expect(path, output, MelOutput, [-1, 1, -1, SpeechLayout.MelBins]);
    }

    /// <summary>
    /// The speech embedding: <c>input_1</c> [batch, 76, 32, 1] → one output [batch, 1, 1, 96]; returns the output's name.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model's inputs or outputs differ; the message says how.</exception>
    public static string CheckEmbedding(string path, IReadOnlyList<OnnxNodeInfo> inputs, IReadOnlyList<OnnxNodeInfo> outputs)
    {
        var input = Single(path, "input", inputs);
        Expect(path, input, EmbeddingInput, [-1, SpeechLayout.EmbeddingWindowFrames, SpeechLayout.MelBins, 1]);
        var output = Single(path, "output", outputs);
        Expect(path, output, output.Name, [-1, 1, 1, SpeechLayout.FrameEmbeddingDimensions]);
        return output.Name;
    }

    private static OnnxNodeInfo Single(string path, string kind, IReadOnlyList<OnnxNodeInfo> nodes) =>
        nodes.Count == 1
            ? nodes[0]
            : throw new InvalidOperationException(
                $"Model '{path}' has {nodes.Count} {kind}s ({string.Join(", ", nodes.Select(n => n.Name))}); one was expected.");

    /// <summary>
    /// Name, float32 and declared shape, exactly: a -1 (symbolic) dimension must be symbolic in the model too, since
    /// the embedder sends whole windows and batches of them there.
    /// </summary>
    private static void Expect(string path, OnnxNodeInfo node, string name, long[] shape)
    {
        if (node.Name != name)
            throw new InvalidOperationException($"Model '{path}' names a tensor '{node.Name}' where '{name}' was expected.");
        if (node.ElementType != TensorElementType.Float)
            throw new InvalidOperationException($"Model '{path}' tensor '{name}' holds {node.ElementType} elements; Float was expected.");
        if (!node.Shape.SequenceEqual(shape))
            throw new InvalidOperationException(
                $"Model '{path}' tensor '{name}' has shape [{string.Join(", ", node.Shape)}]; [{string.Join(", ", shape)}] was expected (-1: symbolic).");
    }
}
