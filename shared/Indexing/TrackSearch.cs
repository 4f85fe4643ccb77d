using AudioFunctions.Embedding;
using AudioFunctions.Errors;

namespace AudioFunctions.Indexing;

/// <summary>
/// Similarity search over the indexed tracks in the active embedding space of each collection
/// (the audio embedder's for <c>audio</c>, the text embedder's for <c>text</c>), filters applied
/// inside the search.
/// </summary>
public sealed class TrackSearch(TrackIndex index, IAudioEmbedder audioEmbedder, ITextEmbedder textEmbedder)
{
    public const int MaxLimit = 1000;

    public EmbeddingSpace ActiveSpace(VectorCollection collection) =>
        collection == VectorCollection.Audio ? audioEmbedder.Space : textEmbedder.Space;

    public IReadOnlyList<TrackSearchResult> Search(VectorCollection collection, ReadOnlySpan<float> query, int limit, SearchFilter filter)
    {
        var space = ActiveSpace(collection);
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
