using AudioFunctions.Indexing;

namespace AudioFunctions.Embedding;

/// <summary>
/// Whether one embedder can run on this instance: its space when it can, what is missing and which setting fixes
/// it when it cannot.
/// </summary>
public sealed record EmbedderStatus(VectorCollection Collection, string Name, EmbeddingSpace? Space, string? Problem)
{
    public bool Ready => Problem is null;
}
