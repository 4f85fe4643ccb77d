namespace AudioFunctions.Embedding;

/// <summary>Turns one analysis window of audio into a vector of its <see cref="Space"/>.</summary>
public interface IAudioEmbedder
{
    EmbeddingSpace Space { get; }

    /// <summary>
    /// Embeds <paramref name="window"/>: exactly <see cref="Audio.AudioWindow.Samples"/> (480,000) mono float samples at
    /// 48 kHz. Writes <see cref="EmbeddingSpace.Dimensions"/> floats to <paramref name="destination"/> (caller-owned),
    /// L2-normalised on return. Thread-safe.
    /// </summary>
    void Embed(ReadOnlySpan<float> window, Span<float> destination);

    /// <summary>
    /// Embeds <paramref name="windows"/>, whole windows back to back, into <paramref name="destination"/>, one vector
    /// of <see cref="EmbeddingSpace.Dimensions"/> per window in the same order. Each vector equals what
    /// <see cref="Embed"/> gives for its window; a model embedder runs the windows through the model together.
    /// </summary>
    void EmbedBatch(ReadOnlySpan<float> windows, Span<float> destination)
    {
        var samples = Audio.AudioWindow.Samples;
        if (windows.Length % samples != 0 || destination.Length != windows.Length / samples * Space.Dimensions)
            throw new ArgumentException($"A batch is whole windows of {samples} samples and one vector of {Space.Dimensions} per window.");
        for (var i = 0; i < windows.Length / samples; i++)
            Embed(windows.Slice(i * samples, samples), destination.Slice(i * Space.Dimensions, Space.Dimensions));
    }
}
