using AudioFunctions.Events;

namespace AudioFunctions.Sessions;

public sealed partial class StreamSessionService
{
    /// <summary>
    /// Records that windows <paramref name="firstWindow"/> … +<paramref name="windowCount"/> are embedded, in one write.
    /// Returns the session afterwards and whether this call added any (false when all were counted already, or the
    /// session is over).
    /// </summary>
    public async Task<(StreamSession Session, bool Added)> MarkWindowsEmbeddedAsync(string sessionId, int firstWindow, int windowCount, CancellationToken cancellationToken)
    {
        List<int> added = [];
        var (session, changed) = await UpdateAsync(sessionId, session =>
        {
            added = [];
            if (session.Status is not (SessionStatus.Active or SessionStatus.Finalizing))
                return null;
            var embedded = session.EmbeddedWindows;
            for (var window = firstWindow; window < firstWindow + windowCount; window++)
                if (!Contains(embedded, window))
                {
                    embedded = Inserted(embedded, window);
                    added.Add(window);
                }
            return added.Count == 0 ? null : session with { EmbeddedWindows = embedded };
        }, cancellationToken);
        if (changed)
            foreach (var window in added)
                events.Publish(SessionEvents.WindowEmbedded(session, window));
        return (session, changed);
    }

    /// <summary>Records the PCM decoded from an ended compressed stream. False when the session is no longer finalizing or was decoded already.</summary>
    public async Task<bool> MarkDecodedAsync(string sessionId, DecodedAudio decoded, CancellationToken cancellationToken)
    {
        var (_, marked) = await UpdateAsync(sessionId, session =>
            session is { Status: SessionStatus.Finalizing, Decoded: null }
                ? session with { Decoded = decoded }
                : null, cancellationToken);
        return marked;
    }

    /// <summary>
    /// Completes a finalizing session with its result and the blob holding its audio as WAV. Returns
    /// false when it was not finalizing (already done, or failed).
    /// </summary>
    public async Task<bool> CompleteAsync(string sessionId, StreamEndResult result, string wavBlob, CancellationToken cancellationToken)
    {
        var (session, completed) = await UpdateAsync(sessionId, session =>
            session.Status == SessionStatus.Finalizing
                ? session with { Status = SessionStatus.Completed, Result = result, WavBlob = wavBlob }
                : null, cancellationToken);
        if (completed)
        {
            SignalOutcome(sessionId);
            SessionLog.Completed(logger, sessionId, result.WindowsProcessed, result.AudioStored);
            events.Publish(SessionEvents.Ended(EventTypes.SessionCompleted, session));
        }
        return completed;
    }

    /// <summary>
    /// Marks the session failed with <paramref name="reason"/> (a step gave up on it) and frees its
    /// track. A session already completed or aborted is left as it is.
    /// </summary>
    public async Task FailAsync(string sessionId, string reason, CancellationToken cancellationToken)
    {
        var (session, failed) = await UpdateAsync(sessionId, session =>
            session.Status is SessionStatus.Active or SessionStatus.Finalizing
                ? session with { Status = SessionStatus.Error, Reason = reason, EndedAt = clock.GetUtcNow() }
                : null, cancellationToken);
        await registry.RemoveAsync(sessionId, cancellationToken);
        if (failed)
        {
            SignalOutcome(sessionId);
            SessionLog.Failed(logger, sessionId, reason);
            events.Publish(SessionEvents.Ended(EventTypes.SessionError, session));
        }
    }

    private static bool Contains(IReadOnlyList<int> sorted, int value)
    {
        for (var i = 0; i < sorted.Count; i++)
            if (sorted[i] == value)
                return true;
        return false;
    }

    private static int[] Inserted(IReadOnlyList<int> sorted, int value)
    {
        var result = new int[sorted.Count + 1];
        int i = 0, j = 0;
        while (i < sorted.Count && sorted[i] < value)
            result[j++] = sorted[i++];
        result[j++] = value;
        while (i < sorted.Count)
            result[j++] = sorted[i++];
        return result;
    }
}
