using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Spaces;
using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>
/// Similarity search over the indexed tracks in one embedding space of a collection: the active one (see
/// <see cref="ActiveSpaces"/>) unless the request names another that still holds vectors; filters applied inside
/// the search.
/// </summary>
public sealed class TrackSearch(ITrackSearchBackend backend, TrackIndex index, TrackStore tracks, ActiveSpaces spaces)
{
    public const int MaxLimit = 1000;

    /// <summary>The space a search of <paramref name="collection"/> uses when it names none.</summary>
    public EmbeddingSpace ActiveSpace(VectorCollection collection) =>
        spaces.Current.Active(collection)
            ?? throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable, $"No {collection.ToWireName()} space is active: its embedder is not ready (see /api/health).");

    public async Task<IReadOnlyList<TrackSearchResult>> SearchAsync(VectorCollection collection, float[] query, int limit, SearchFilter filter, EmbeddingSpace? requested, CancellationToken cancellationToken)
    {
        var space = requested ?? ActiveSpace(collection);
        if (requested is not null && (!(await backend.SpacesAsync(collection, cancellationToken)).ContainsKey(requested) || spaces.Current.IsDeleting(collection, requested)))
            throw ServiceException.NotFound(ErrorCodes.UnknownSpace,
                $"The {collection.ToWireName()} collection has no searchable space {requested}; GET /api/v1/spaces lists them.");
        if (query.Length != space.Dimensions)
            throw ServiceException.BadRequest(ErrorCodes.InvalidEmbedding,
                $"embedding must have {space.Dimensions} values for the {collection.ToWireName()} collection (space {space.Id}); got {query.Length}.");
        if (limit is < 1 or > MaxLimit)
            throw ServiceException.BadRequest(ErrorCodes.InvalidLimit, $"limit must be between 1 and {MaxLimit}; got {limit}.");
        foreach (var value in query)
            if (!float.IsFinite(value))
                throw ServiceException.BadRequest(ErrorCodes.InvalidEmbedding, "embedding values must be finite numbers.");
        if (System.Numerics.Tensors.TensorPrimitives.Norm(query) == 0)
            throw ServiceException.BadRequest(ErrorCodes.InvalidEmbedding, "embedding must not be all zeros.");

        var hits = await backend.SearchAsync(collection, space, query, limit, filter, cancellationToken);
        var results = new List<TrackSearchResult>(hits.Count);
        foreach (var hit in hits)
        {
            // The metadata comes from this instance's copy of the track documents, or from storage for a track it
            // has not taken in yet (a shared backend may know it first).
            var metadata = index.TryGetTrack(hit.TrackId, out var known) ? known.Metadata
                : (await tracks.GetAsync(hit.TrackId, cancellationToken))?.Value.Metadata;
            if (metadata is not null)
                results.Add(new TrackSearchResult(hit.TrackId, hit.Score, metadata));
        }
        return results;
    }
}
