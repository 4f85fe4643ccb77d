using System.Numerics.Tensors;

namespace AudioFunctions.Embedding.Speech;

/// <summary>
/// Pools a window's per-frame embeddings (rows of D floats, one per 80 ms step) into one vector of 2·D: the mean of
/// each dimension, then its standard deviation over the frames. The mean says what kind of sound dominates the window;
/// the deviation says how much that changes from step to step, which is what sets speech (syllables every
/// 100–300 ms, pauses) apart from steady tones and noise whose means can land close to it. On the speech tests'
/// espeak-ng voices against chords, melodies and coloured noise, mean and deviation gave a mean speech–speech cosine
/// 0.12 above speech–music and 0.18 above speech–noise, against 0.08 and 0.10 for the mean alone.
/// </summary>
internal static class FrameEmbeddingPooling
{
    /// <summary>
    /// Writes mean then population standard deviation (√(Σ(x − mean)² / n)) of each of the D columns of
    /// <paramref name="frames"/> (n rows of D, row-major) to <paramref name="destination"/> (2·D floats). Sums run
    /// row by row in a fixed order, so the result is bit-identical for identical input. Allocates nothing.
    /// </summary>
    public static void MeanAndDeviation(ReadOnlySpan<float> frames, int dimensions, Span<float> destination)
    {
        var rows = frames.Length / dimensions;
        if (rows == 0 || rows * dimensions != frames.Length || destination.Length != 2 * dimensions)
            throw new ArgumentException($"Pooling takes whole rows of {dimensions} floats into {2 * dimensions}.");
        var mean = destination[..dimensions];
        var deviation = destination[dimensions..];
        mean.Clear();
        deviation.Clear();
        for (var row = 0; row < rows; row++)
            TensorPrimitives.Add(mean, frames.Slice(row * dimensions, dimensions), mean);
        TensorPrimitives.Divide(mean, rows, mean);

        Span<float> centred = stackalloc float[dimensions];
        for (var row = 0; row < rows; row++)
        {
            TensorPrimitives.Subtract(frames.Slice(row * dimensions, dimensions), mean, centred);
            TensorPrimitives.MultiplyAdd(centred, centred, deviation, deviation);
        }
        TensorPrimitives.Divide(deviation, rows, deviation);
        TensorPrimitives.Sqrt(deviation, deviation);
    }
}
