using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>Tells the search backend what storage now holds for a track, after its document changed.</summary>
public sealed class TrackSearchUpdates(TrackStore store, ITrackSearchBackend backend)
{
    /// <summary>Reads the track's document and vectors again and hands them to the backend (or removes a deleted track).</summary>
    public async Task RefreshAsync(string trackId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(trackId, cancellationToken) is not { } document)
        {
            await backend.RemoveAsync(trackId, cancellationToken);
            return;
        }
        await backend.UpsertAsync(document.Value, TrackStore.Version(document.ETag), await store.GetVectorsAsync(document.Value, cancellationToken), cancellationToken);
    }
}
