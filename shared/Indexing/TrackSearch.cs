using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Spaces;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Logging;

namespace AudioFunctions.Indexing;

/// <summary>
/// Similarity search over the indexed tracks in one embedding space of a collection: the active one (see
/// <see cref="ActiveSpaces"/>) unless the request names another that still holds vectors; filters applied inside
/// the search. A hit on a track whose document is no longer stored (a shared backend that missed a deletion) is left
/// out and removed from the backend in the background.
/// </summary>
public sealed partial class TrackSearch(ITrackSearchBackend backend, TrackIndex index, TrackStore tracks, ActiveSpaces spaces, ILogger<TrackSearch> logger)
{
    public const int MaxLimit = 1000;

    /// <summary>Orphans being removed, so concurrent searches that meet one remove it once.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _removing = new(StringComparer.Ordinal);
    private readonly List<Task> _removals = [];

    /// <summary>Completes when the background removals started so far have ended (tests wait on it).</summary>
    internal Task OrphanRemovals
    {
        get
        {
            lock (_removals)
                return Task.WhenAll(_removals);
        }
    }

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
            else
                RemoveOrphan(hit.TrackId);
        }
        return results;
    }

    /// <summary>Removes a track without a stored document from the backend, off the request's path; removal is idempotent.</summary>
    private void RemoveOrphan(string trackId)
    {
        if (!_removing.TryAdd(trackId, true))
            return;
        var removal = Task.Run(async () =>
        {
            try
            {
                // Not the request's token: the removal outlives the search that found the orphan. Read again just
                // before, as a session may have stored the id anew meanwhile (should this still race with one, the
                // repair pass writes that track again, as its version is then no longer confirmed here).
                if (await tracks.GetAsync(trackId, CancellationToken.None) is not null)
                    return;
                await backend.RemoveAsync(trackId, CancellationToken.None);
                OrphanRemoved(logger, trackId);
            }
            catch (Exception e)
            {
                // Left for a later search to try again; the hit is left out of results meanwhile.
                OrphanRemovalFailed(logger, trackId, e.Message);
            }
            finally
            {
                _removing.TryRemove(trackId, out _);
            }
        });
        lock (_removals)
        {
            _removals.RemoveAll(static t => t.IsCompleted);
            _removals.Add(removal);
        }
    }

    [LoggerMessage(6321, LogLevel.Information, "Track {TrackId} was found by search but is no longer stored; removed from the search backend")]
    private static partial void OrphanRemoved(ILogger logger, string trackId);

    [LoggerMessage(6322, LogLevel.Warning, "Track {TrackId} is no longer stored but could not be removed from the search backend ({Reason})")]
    private static partial void OrphanRemovalFailed(ILogger logger, string trackId, string reason);
}
