using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>
/// A <see cref="IVectorIndex"/> a <see cref="TrackIndex"/> can hold: each entry carries the version of the track
/// document it came from, and the whole index is written to one snapshot stream and read back from it.
/// </summary>
public interface IPersistentVectorIndex : IVectorIndex
{
    /// <summary>What the snapshot holds; <see cref="TrackIndexSnapshot"/> records it to know how to read it back.</summary>
    VectorIndexKind Kind { get; }

    /// <summary><see cref="IVectorIndex.Upsert"/>, storing <paramref name="versionTag"/> with the entry for <see cref="IVectorIndex.Versions"/>.</summary>
    void Upsert(VectorCollection collection, EmbeddingSpace space, string trackId, ReadOnlySpan<float> vector, TrackFilterFields fields, string versionTag);

    /// <summary>Writes the whole index, each partition consistent with itself. Does not close the stream.</summary>
    void SaveSnapshot(Stream destination);
}
