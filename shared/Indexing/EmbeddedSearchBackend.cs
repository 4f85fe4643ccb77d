using AudioFunctions.Embedding;
using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>
/// Search in this instance's own <see cref="TrackIndex"/>: changes apply at once here, and other instances take them
/// in when they next reconcile with the stored tracks.
/// </summary>
public sealed class EmbeddedSearchBackend(TrackIndex index) : ITrackSearchBackend
{
    public Task UpsertAsync(StoredTrack track, string version, IReadOnlyList<TrackVector> vectors, CancellationToken cancellationToken)
    {
        index.Apply(track, version, vectors);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string trackId, CancellationToken cancellationToken)
    {
        index.Remove(trackId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(VectorCollection collection, EmbeddingSpace space, ReadOnlyMemory<float> query, int k, SearchFilter filter, CancellationToken cancellationToken) =>
        Task.FromResult(index.Vectors.Search(collection, space, query.Span, k, filter));

    public Task<IReadOnlyDictionary<EmbeddingSpace, long>> SpacesAsync(VectorCollection collection, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<EmbeddingSpace, long>>(
            index.Vectors.Spaces(collection).ToDictionary(space => space, space => (long)index.Vectors.Count(collection, space)));
}
