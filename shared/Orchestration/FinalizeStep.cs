using System.Numerics.Tensors;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using AudioFunctions.Events;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Fan-in: once an ended session's windows are all cut and embedded, averages the window vectors
/// into the track's audio vector (L2-normalised), embeds the metadata text, stores both with the
/// track (when the client asked to store), puts them in the index and completes the session.
/// Runs again harmlessly: the stored results are the same and only one run completes the session.
/// </summary>
public sealed class FinalizeStep(
    SessionRecords records,
    WindowCheckpoints checkpoints,
    WindowStore windows,
    IAudioEmbedder audioEmbedder,
    ITextEmbedder textEmbedder,
    TrackStore tracks,
    TrackIndex index,
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
        var audioVector = windowCount > 0 ? await MeanWindowVectorAsync(sessionId, windowCount, cancellationToken) : null;
        var textVector = new float[textEmbedder.Space.Dimensions];
        textEmbedder.Embed(TrackText.Render(session.Metadata), textVector);
        var hasText = TensorPrimitives.Norm(textVector) > 0;

        var store = session.End?.Store ?? true;
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
                AudioSpace = audioVector is null ? null : audioEmbedder.Space.Id,
                TextSpace = hasText ? textEmbedder.Space.Id : null,
                StoredAt = clock.GetUtcNow(),
            };
            var etag = await tracks.SaveAsync(track, audioVector, hasText ? textVector : null, cancellationToken);
            index.Apply(track, TrackStore.Version(etag), audioVector, hasText ? textVector : null);
            storedSpaces = [.. new[] { track.AudioSpace, track.TextSpace }.OfType<string>()];
        }

        var result = new StreamEndResult(
            session.TrackId,
            session.BufferedSeconds,
            windowCount,
            TextStored: store && hasText,
            AudioStored: store && audioVector is not null);
        // The WAV is composed by the storage service from the stored PCM; rewriting it on a rerun gives the same blob.
        var wavBlob = await wav.AssembleAsync(session, cancellationToken);
        // Two runs may race this far (both saw the last window embedded); only the one that
        // completes the session announces the track.
        if (await sessions.CompleteAsync(sessionId, result, wavBlob, cancellationToken) && storedSpaces is not null)
            events.Publish(SessionEvents.TrackStored(session, storedSpaces));
    }

    private async Task<float[]> MeanWindowVectorAsync(string sessionId, int windowCount, CancellationToken cancellationToken)
    {
        var space = audioEmbedder.Space;
        var vectors = await Task.WhenAll(Enumerable.Range(0, windowCount).Select(window => windows.GetVectorAsync(sessionId, space.Id, window, cancellationToken)));
        var mean = new float[space.Dimensions];
        // Summed in window order, so the track vector does not depend on which step finished first.
        for (var window = 0; window < windowCount; window++)
        {
            var vector = vectors[window] ?? throw new InvalidOperationException($"Vector of window {window} of session {sessionId} is not stored.");
            TensorPrimitives.Add(mean, vector, mean);
        }
        var norm = TensorPrimitives.Norm(mean);
        if (norm > 0)
            TensorPrimitives.Divide(mean, norm, mean);
        return mean;
    }
}
