using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Spaces;

namespace AudioFunctions.Indexing;

/// <summary>
/// Similarity search over the indexed tracks in one embedding space of a collection: the active one (see
/// <see cref="ActiveSpaces"/>) unless the request names another that still holds vectors; filters applied inside
/// the search.
/// </summary>
public sealed class TrackSearch(TrackIndex index, ActiveSpaces spaces)
{
    public const int MaxLimit = 1000;

    /// <summary>The space a search of <paramref name="collection"/> uses when it names none.</summary>
    public EmbeddingSpace ActiveSpace(VectorCollection collection) =>
        spaces.Current.Active(collection)
            ?? throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable, $"No {collection.ToWireName()} space is active: its embedder is not ready (see /api/health).");

    public IReadOnlyList<TrackSearchResult> Search(VectorCollection collection, ReadOnlySpan<float> query, int limit, SearchFilter filter, EmbeddingSpace? requested = null)
    {
        var space = requested ?? ActiveSpace(collection);
        if (requested is not null && (!index.Vectors.Spaces(collection).Contains(requested) || spaces.Current.IsDeleting(collection, requested)))
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

        var hits = index.Vectors.Search(collection, space, query, limit, filter);
        var results = new List<TrackSearchResult>(hits.Count);
        foreach (var hit in hits)
            if (index.TryGetTrack(hit.TrackId, out var track))
                results.Add(new TrackSearchResult(hit.TrackId, hit.Score, track.Metadata));
        return results;
    }
}
