using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using AudioFunctions.Events;
using AudioFunctions.Spaces;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Fan-in: once an ended session's windows are all cut and embedded, makes the track's vectors in every space new
/// vectors go to (the active one, and any a re-embedding job is filling): the audio vector is the mean of the window
/// vectors, the text vector embeds the metadata. Stores them with the track (when the client asked to store), puts
/// them in the index and completes the session. Runs again harmlessly: the stored results are the same and only one
/// run completes the session.
/// </summary>
public sealed class FinalizeStep(
    SessionRecords records,
    WindowCheckpoints checkpoints,
    TrackVectors trackVectors,
    ActiveSpaces spaces,
    TrackStore tracks,
    ITrackSearchBackend search,
    WavAssembler wav,
    StreamSessionService sessions,
    IEventPublisher events,
    TimeProvider clock)
{
    public async Task RunAsync(string sessionId, CancellationToken cancellationToken)
    {
        if ((await records.GetAsync(sessionId, cancellationToken))?.Value is not { Status: SessionStatus.Finalizing } session)
            return;
        // Not ready: the window step that flushes, or the embed step of the last window, queues this again.
        if ((await checkpoints.GetAsync(sessionId, cancellationToken))?.Value is not { Flushed: true } checkpoint
            || session.WindowsCompleted < checkpoint.WindowsCut)
            return;

        var windowCount = checkpoint.WindowsCut;
        var store = session.End?.Store ?? true;
        // Read fresh, not from the cache: a job that began a moment ago must find this track in its space.
        var selection = (await spaces.RefreshAsync(cancellationToken)).Value;
        await spaces.RequireActiveAsync(VectorCollection.Audio, cancellationToken);
        await spaces.RequireActiveAsync(VectorCollection.Text, cancellationToken);
        var vectors = new List<TrackVector>();
        foreach (var space in selection.Targets(VectorCollection.Audio))
            if (await trackVectors.AudioAsync(sessionId, windowCount, space, cancellationToken) is { } audio)
                vectors.Add(new TrackVector(VectorCollection.Audio, space, audio));
        foreach (var space in selection.Targets(VectorCollection.Text))
            if (trackVectors.Text(session.Metadata, space) is { } text)
                vectors.Add(new TrackVector(VectorCollection.Text, space, text));

        string[]? storedSpaces = null;
        if (store)
        {
            var track = new StoredTrack
            {
                TrackId = session.TrackId,
                Metadata = session.Metadata,
                SessionId = sessionId,
                DurationSeconds = session.BufferedSeconds,
                Windows = windowCount,
                StoredAt = clock.GetUtcNow(),
            };
            var (stored, etag) = await tracks.SaveAsync(track, vectors, cancellationToken);
            await search.UpsertAsync(stored, TrackStore.Version(etag), vectors, cancellationToken);
            storedSpaces = [.. stored.AudioSpaces.Concat(stored.TextSpaces).Distinct()];
        }

        var result = new StreamEndResult(
            session.TrackId,
            session.BufferedSeconds,
            windowCount,
            TextStored: store && vectors.Any(v => v.Collection == VectorCollection.Text),
            AudioStored: store && vectors.Any(v => v.Collection == VectorCollection.Audio));
        // The WAV is composed by the storage service from the stored PCM; rewriting it on a rerun gives the same blob.
        var wavBlob = await wav.AssembleAsync(session, cancellationToken);
        // Two runs may race this far (both saw the last window embedded); only the one that
        // completes the session announces the track.
        if (await sessions.CompleteAsync(sessionId, result, wavBlob, cancellationToken) && storedSpaces is not null)
            events.Publish(SessionEvents.TrackStored(session, storedSpaces));
    }
}
