using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>
/// Track vectors, partitioned by (collection, embedding space), searchable by cosine similarity.
/// Vectors of different partitions are never compared, even when their dimensions agree.
/// </summary>
public interface IVectorIndex
{
    /// <summary>
    /// Inserts or replaces the track's vector in (collection, space). The vector is L2-normalised by the
    /// index (a zero vector, NaN or an infinity is rejected with <see cref="ArgumentException"/>, as is a
    /// length other than <see cref="EmbeddingSpace.Dimensions"/>). The index copies the vector; the caller
    /// keeps its buffer. Thread-safe.
    /// </summary>
    void Upsert(VectorCollection collection, EmbeddingSpace space, string trackId, ReadOnlySpan<float> vector, TrackFilterFields fields);

    /// <summary>Removes the track's vector from (collection, space); false if it had none there. Thread-safe.</summary>
    bool Remove(VectorCollection collection, EmbeddingSpace space, string trackId);

    /// <summary>
    /// The <paramref name="k"/> most similar tracks that match the filter, best first; returns
    /// min(k, matching) hits. Filters are applied inside the scan, so k results come back whenever k tracks
    /// match. Equal scores are ordered by track id (ordinal). <paramref name="query"/> need not be
    /// normalised, but its length must equal <see cref="EmbeddingSpace.Dimensions"/> and it must have a
    /// direction (<see cref="ArgumentException"/> otherwise); k must be at least 1. Thread-safe.
    /// </summary>
    IReadOnlyList<SearchHit> Search(VectorCollection collection, EmbeddingSpace space, ReadOnlySpan<float> query, int k, SearchFilter filter);

    /// <summary>
    /// Copies the track's stored (unit-length) vector into the first <see cref="EmbeddingSpace.Dimensions"/>
    /// elements of <paramref name="destination"/>; false if the track has none in (collection, space).
    /// </summary>
    bool TryGetVector(VectorCollection collection, EmbeddingSpace space, string trackId, Span<float> destination);

    /// <summary>How many vectors (collection, space) holds.</summary>
    int Count(VectorCollection collection, EmbeddingSpace space);

    /// <summary>The spaces of <paramref name="collection"/> that hold at least one vector.</summary>
    IReadOnlyCollection<EmbeddingSpace> Spaces(VectorCollection collection);

    /// <summary>
    /// Every (trackId, version tag) stored, so a caller can reconcile with another source of truth.
    /// A copy, taken at one moment; O(count).
    /// </summary>
    IReadOnlyDictionary<string, string> Versions(VectorCollection collection, EmbeddingSpace space);
}
