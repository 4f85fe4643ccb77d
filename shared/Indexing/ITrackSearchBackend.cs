using AudioFunctions.Embedding;
using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>
/// Where stored tracks are searched: this instance's embedded index, or a search service shared by every instance
/// (Azure AI Search). The stored tracks in Blob Storage stay the source of truth; a backend holds copies of their
/// vectors and filter fields, partitioned by (collection, space), and is told of every change.
/// </summary>
public interface ITrackSearchBackend
{
    /// <summary>
    /// Makes the backend hold exactly <paramref name="vectors"/> for the track (replacing any it had, in every space),
    /// with the track's filter fields. <paramref name="version"/> is the stored document's version.
    /// </summary>
    Task UpsertAsync(StoredTrack track, string version, IReadOnlyList<TrackVector> vectors, CancellationToken cancellationToken);

    /// <summary>Removes every vector of the track; nothing happens when it has none.</summary>
    Task RemoveAsync(string trackId, CancellationToken cancellationToken);

    /// <summary>
    /// The <paramref name="k"/> tracks of (collection, space) most similar to <paramref name="query"/> by cosine that
    /// match <paramref name="filter"/>, best first; min(k, matching) of them (the filter is applied inside the search).
    /// </summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(VectorCollection collection, EmbeddingSpace space, ReadOnlyMemory<float> query, int k, SearchFilter filter, CancellationToken cancellationToken);

    /// <summary>The spaces of <paramref name="collection"/> that hold vectors, with how many each holds.</summary>
    Task<IReadOnlyDictionary<EmbeddingSpace, long>> SpacesAsync(VectorCollection collection, CancellationToken cancellationToken);
}
