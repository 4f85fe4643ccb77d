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

    /// <summary>
    /// Embeds <paramref name="texts"/> into <paramref name="destination"/>, one vector of
    /// <see cref="EmbeddingSpace.Dimensions"/> per text in the same order, each as <see cref="Embed"/> gives it.
    /// </summary>
    void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (destination.Length != texts.Count * Space.Dimensions)
            throw new ArgumentException($"A batch of {texts.Count} texts needs {texts.Count * Space.Dimensions} floats.", nameof(destination));
        for (var i = 0; i < texts.Count; i++)
            Embed(texts[i], destination.Slice(i * Space.Dimensions, Space.Dimensions));
    }
}
