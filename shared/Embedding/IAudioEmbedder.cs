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
}
