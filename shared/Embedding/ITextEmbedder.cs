namespace AudioFunctions.Embedding;

/// <summary>Turns a text (a query, or a track's <see cref="TrackText"/>) into a vector of its <see cref="Space"/>.</summary>
public interface ITextEmbedder
{
    EmbeddingSpace Space { get; }

    /// <summary>
    /// Writes <see cref="EmbeddingSpace.Dimensions"/> floats to <paramref name="destination"/> (caller-owned),
    /// L2-normalised, or all zeros for a text with no tokens. Thread-safe.
    /// </summary>
    void Embed(string text, Span<float> destination);
}
