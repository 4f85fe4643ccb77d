using AudioFunctions.Events;
using AudioFunctions.Orchestration;

namespace AudioFunctions.Sessions;

public sealed partial class StreamSessionService
{
    /// <summary>Waits in this process for sessions' outcomes, keyed by session.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _outcomes = new(StringComparer.Ordinal);

    /// <summary>
    /// Ends the session: it stops taking frames, frees its track and slot, and the pipeline flushes
    /// the rest of its audio and stores the track. Idempotent: ending a finalizing session nudges
    /// the pipeline again, ending a completed one changes nothing. Returns the session as it stands.
    /// </summary>
    public async Task<StreamSession> EndAsync(string sessionId, EndStreamCommand command, CancellationToken cancellationToken)
    {
        var end = command with { MinDurationSeconds = command.MinDurationSeconds ?? Options.MinDurationSeconds };
        var (session, changed) = await UpdateAsync(sessionId, session =>
        {
            if (session.Status is SessionStatus.Finalizing or SessionStatus.Completed)
                return null;
            EnsureActive(session);
            return session with { Status = SessionStatus.Finalizing, Reason = SessionReasons.Ended, End = end, EndedAt = clock.GetUtcNow() };
        }, cancellationToken);

        if (session.Status == SessionStatus.Completed)
        {
            // Also finishes an end cut short by a crash between the record and the registry.
            await ReleaseQuietlyAsync(sessionId);
            return session;
        }
        // The pipeline is set going before the registry is touched: a registry too busy to answer
        // must not leave an ended session with nothing to finish it. Its entry is dropped here, or
        // by the sweep (the record is no longer active).
        await queues.EnqueueAsync(new StepMessage(PipelineStep.Window, sessionId), cancellationToken);
        await ReleaseQuietlyAsync(sessionId);
        if (changed)
            SessionLog.Ended(logger, sessionId, session.TotalBytes, session.BufferedSeconds);
        return session;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for an ended session to be completed (or to fail) and
    /// returns it as it stands then.
    /// </summary>
    /// <remarks>
    /// A finalize step run by this process wakes the wait at once; one run by another instance is
    /// seen by polling the record (every 250 ms at most).
    /// </remarks>
    public async Task<StreamSession> WaitForOutcomeAsync(string sessionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + timeout;
        var pause = TimeSpan.FromMilliseconds(20);
        var outcome = _outcomes.GetOrAdd(sessionId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            while (true)
            {
                var session = (await records.GetAsync(sessionId, cancellationToken))?.Value ?? throw UnknownSession(sessionId);
                var left = deadline - clock.GetUtcNow();
                if (session.Status != SessionStatus.Finalizing || left <= TimeSpan.Zero)
                    return session;
                await Task.WhenAny(outcome.Task, Task.Delay(pause < left ? pause : left, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 1.5, 250));
            }
        }
        finally
        {
            _outcomes.TryRemove(KeyValuePair.Create(sessionId, outcome));
        }
    }

    /// <summary>Wakes this process's waits on <paramref name="sessionId"/>: its outcome is stored.</summary>
    private void SignalOutcome(string sessionId)
    {
        if (_outcomes.TryGetValue(sessionId, out var outcome))
            outcome.TrySetResult();
    }

    /// <summary>Aborts the session and removes its audio (unless configured to keep it). Idempotent.</summary>
    public async Task<StreamSession> AbortAsync(string sessionId, CancellationToken cancellationToken)
    {
        var (session, changed) = await UpdateAsync(sessionId, session =>
        {
            if (session.Status == SessionStatus.Aborted)
                return null;
            EnsureActive(session);
            return session with { Status = SessionStatus.Aborted, Reason = SessionReasons.AbortedByClient, EndedAt = clock.GetUtcNow() };
        }, cancellationToken);

        await ReleaseAbortedAsync(session, cancellationToken);
        if (changed)
        {
            SessionLog.Aborted(logger, sessionId);
            events.Publish(SessionEvents.Ended(EventTypes.SessionAborted, session));
        }
        return session;
    }

    /// <summary>Expires every session idle past the timeout and drops registry entries left by crashes.</summary>
    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var entries = await registry.GetEntriesAsync(cancellationToken);
        int expired = 0, released = 0;
        foreach (var entry in entries)
        {
            var stored = await records.GetAsync(entry.SessionId, cancellationToken);
            if (stored is null)
            {
                if (clock.GetUtcNow() - entry.StartedAt <= MissingRecordGrace)
                    continue;
                await registry.RemoveAsync(entry.SessionId, cancellationToken);
                released++;
                continue;
            }

            var wasActive = stored.Value.Value.Status == SessionStatus.Active;
            var (session, _) = await ExpireIfDueAsync(stored.Value, cancellationToken);
            if (wasActive && session.Reason == SessionReasons.Expired)
                expired++;
            else if (session.Status != SessionStatus.Active)
            {
                // A transition whose clean-up was cut short: finish it.
                if (session.Status == SessionStatus.Aborted)
                    await ReleaseAbortedAsync(session, cancellationToken);
                else
                    await registry.RemoveAsync(session.SessionId, cancellationToken);
                released++;
            }
        }
        var report = new SweepReport(entries.Count, expired, released);
        SessionLog.Swept(logger, report.Checked, report.Expired, report.Released);
        return report;
    }

    private async Task ReleaseAbortedAsync(StreamSession session, CancellationToken cancellationToken)
    {
        cache.Forget(session.SessionId);
        if (!Options.KeepAbortedAudio)
            await audio.DeleteSessionAudioAsync(session.SessionId, cancellationToken);
        await registry.RemoveAsync(session.SessionId, cancellationToken);
    }
}
