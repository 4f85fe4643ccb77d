using Azure;
using AudioFunctions.Errors;
using AudioFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Sessions;

/// <summary>
/// Stream sessions over storage alone: start, frames, end, abort, status and the expiry sweep.
/// No state is held between calls; every change is a compare-and-swap on the session record, and
/// a frame is acknowledged only once both its bytes and the record that counts them are stored.
/// </summary>
public sealed class StreamSessionService(
    SessionRecords records,
    ActiveSessionRegistry registry,
    AudioSegmentStore audio,
    SessionRecordCache cache,
    IOptions<StreamOptions> options,
    TimeProvider clock,
    ILogger<StreamSessionService> logger)
{
    /// <summary>Record writes lost to other writers before a request is answered with 503 busy.</summary>
    private const int MaxAttempts = 16;

    /// <summary>
    /// A registry entry may precede its record by one storage round trip; an entry whose record is
    /// still missing after this long was left by a start that failed half-way.
    /// </summary>
    private static readonly TimeSpan MissingRecordGrace = TimeSpan.FromSeconds(60);

    private StreamOptions Options => options.Value;

    public TimeProvider Clock => clock;

    public async Task<StreamSession> StartAsync(StartStreamCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var session = new StreamSession
        {
            SessionId = Guid.NewGuid().ToString("D"),
            TrackId = command.TrackId,
            Metadata = command.Metadata,
            Format = command.Format,
            CreatedAt = now,
            LastActivityAt = now,
        };

        // The registry entry comes first: it is what makes the track and the slot ours.
        var entry = new ActiveSessionEntry(session.TrackId, session.SessionId, now);
        await registry.AddAsync(entry, Options.MaxSessions, IsLiveAsync, cancellationToken);
        try
        {
            if (await records.TryCreateAsync(session, cancellationToken) is null)
                throw new InvalidOperationException($"A record for new session {session.SessionId} already exists.");
        }
        catch
        {
            await ReleaseQuietlyAsync(session.SessionId);
            throw;
        }
        SessionLog.Started(logger, session.SessionId, session.TrackId);
        return session;
    }

    /// <summary>The session as stored now (expired first if its inactivity timeout has passed).</summary>
    public async Task<StreamSession> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        (await LoadCurrentAsync(sessionId, cancellationToken)).Value;

    /// <summary>
    /// Stores one frame of raw bytes. With <paramref name="seq"/>, a seq already stored is
    /// acknowledged without writing, and a seq past the next expected one is a 409.
    /// </summary>
    public async Task<FrameAck> AppendFrameAsync(string sessionId, long? seq, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (frame.IsEmpty)
            throw ServiceException.BadRequest(ErrorCodes.EmptyFrame, "The frame carries no bytes.");
        if (frame.Length > Options.MaxFrameBytes)
            throw new ServiceException(ErrorKind.PayloadTooLarge, ErrorCodes.FrameTooLarge,
                $"A frame may carry at most {Options.MaxFrameBytes} bytes; this one has {frame.Length}.");
        var blocks = AudioSegmentStore.BlocksFor(frame.Length);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The cached record serves only the plain case (the next seq of a live session); any
            // other decision is taken on a fresh read.
            var current = default(Versioned<StreamSession>);
            var fromCache = attempt == 0 && cache.TryGet(sessionId, out current)
                && (seq is null || seq == current.Value.NextSeq)
                && clock.GetUtcNow() - current.Value.LastActivityAt <= Options.SessionTimeout;
            if (!fromCache)
                current = await LoadCurrentAsync(sessionId, cancellationToken);
            var (session, etag) = current;
            EnsureActive(session);
            if (seq is { } s)
            {
                if (s < session.NextSeq)
                    return Ack(session, duplicate: true);
                if (s > session.NextSeq)
                    throw ServiceException.Conflict(ErrorCodes.SeqGap,
                        $"Expected seq {session.NextSeq} but got {s}; send the missing frames first.");
            }

            var segment = session.Segments.Count > 0 ? session.Segments[^1] : null;
            if (segment is null || segment.Blocks + blocks > AudioSegmentStore.MaxBlocksPerSegment)
            {
                if (fromCache)
                {
                    cache.Forget(sessionId);
                    continue;
                }
                await OpenSegmentAsync(session, etag, segment is null ? "start" : "a full segment", cancellationToken);
                continue;
            }

            var outcome = await audio.AppendAsync(sessionId, segment.Index, segment.Bytes, frame, cancellationToken);
            if (outcome != AppendOutcome.Appended && fromCache)
            {
                // Most likely another instance took frames since this copy was made.
                cache.Forget(sessionId);
                continue;
            }
            switch (outcome)
            {
                case AppendOutcome.SegmentMissing:
                    await audio.CreateSegmentAsync(sessionId, segment.Index, cancellationToken);
                    continue;
                case AppendOutcome.PositionMismatch or AppendOutcome.SegmentFull:
                    // Bytes nobody committed sit at the segment's end. Append blobs cannot be cut,
                    // so the committed prefix stays as it is and new audio goes to a fresh segment.
                    await OpenSegmentAsync(session, etag, "uncommitted bytes", cancellationToken);
                    continue;
            }

            var committed = session with
            {
                Segments = WithLast(session.Segments, segment with { Bytes = segment.Bytes + frame.Length, Blocks = segment.Blocks + blocks }),
                TotalBytes = session.TotalBytes + frame.Length,
                NextSeq = session.NextSeq + 1,
                LastActivityAt = clock.GetUtcNow(),
            };
            if (await records.TryReplaceAsync(committed, etag, cancellationToken) is { } written)
            {
                cache.Remember(new Versioned<StreamSession>(committed, written));
                return Ack(committed, duplicate: false);
            }
            cache.Forget(sessionId);

            // Another writer changed the record first; the bytes just appended lie past the
            // committed length, where no reader looks. Start over from a fresh read.
            await ActiveSessionRegistry.BackOffAsync(attempt, cancellationToken);
        }
        throw Busy(sessionId);
    }

    /// <summary>Ends the session; ending it again answers the same result.</summary>
    public async Task<StreamEndResult> EndAsync(string sessionId, EndStreamCommand command, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (session, etag) = await LoadCurrentAsync(sessionId, cancellationToken);
            if (session.Result is { } earlier)
            {
                await registry.RemoveAsync(sessionId, cancellationToken); // finishes an end cut short by a crash
                return earlier;
            }
            EnsureActive(session);

            // Windowing and embedding are not part of ending yet: the audio is what is stored.
            var result = new StreamEndResult(session.TrackId, session.BufferedSeconds, 0, TextStored: false, AudioStored: false);
            var ended = session with
            {
                Status = SessionStatus.Completed,
                Reason = SessionReasons.Ended,
                EndedAt = clock.GetUtcNow(),
                Result = result,
            };
            if (await records.TryReplaceAsync(ended, etag, cancellationToken) is null)
            {
                await ActiveSessionRegistry.BackOffAsync(attempt, cancellationToken);
                continue;
            }
            cache.Forget(sessionId);
            await registry.RemoveAsync(sessionId, cancellationToken);
            SessionLog.Ended(logger, sessionId, session.TotalBytes, result.DurationSeconds);
            return result;
        }
        throw Busy(sessionId);
    }

    /// <summary>Aborts the session and removes its audio (unless configured to keep it). Idempotent.</summary>
    public async Task<StreamSession> AbortAsync(string sessionId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (session, etag) = await LoadCurrentAsync(sessionId, cancellationToken);
            if (session.Status == SessionStatus.Aborted)
            {
                await ReleaseAbortedAsync(session, cancellationToken);
                return session;
            }
            EnsureActive(session);

            var aborted = session with
            {
                Status = SessionStatus.Aborted,
                Reason = SessionReasons.AbortedByClient,
                EndedAt = clock.GetUtcNow(),
            };
            if (await records.TryReplaceAsync(aborted, etag, cancellationToken) is null)
            {
                await ActiveSessionRegistry.BackOffAsync(attempt, cancellationToken);
                continue;
            }
            cache.Forget(sessionId);
            await ReleaseAbortedAsync(aborted, cancellationToken);
            SessionLog.Aborted(logger, sessionId);
            return aborted;
        }
        throw Busy(sessionId);
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

    private async Task<Versioned<StreamSession>> LoadCurrentAsync(string sessionId, CancellationToken cancellationToken)
    {
        // Ids are GUIDs we issued; anything else cannot name a session (and must not reach a blob path).
        if (!Guid.TryParseExact(sessionId, "D", out _))
            throw UnknownSession(sessionId);
        var stored = await records.GetAsync(sessionId, cancellationToken);
        if (stored is null)
        {
            cache.Forget(sessionId);
            throw UnknownSession(sessionId);
        }
        var current = await ExpireIfDueAsync(stored.Value, cancellationToken);
        cache.Remember(current);
        return current;
    }

    private async Task<Versioned<StreamSession>> ExpireIfDueAsync(Versioned<StreamSession> stored, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (session, etag) = stored;
            var now = clock.GetUtcNow();
            var idle = now - session.LastActivityAt;
            if (session.Status != SessionStatus.Active || idle <= Options.SessionTimeout)
                return stored;

            var expired = session with { Status = SessionStatus.Aborted, Reason = SessionReasons.Expired, EndedAt = now };
            if (await records.TryReplaceAsync(expired, etag, cancellationToken) is { } written)
            {
                await ReleaseAbortedAsync(expired, cancellationToken);
                SessionLog.Expired(logger, session.SessionId, idle.TotalSeconds);
                return new Versioned<StreamSession>(expired, written);
            }
            stored = await records.GetAsync(session.SessionId, cancellationToken) ?? throw UnknownSession(session.SessionId);
        }
    }

    private async Task<bool> IsLiveAsync(ActiveSessionEntry entry, CancellationToken cancellationToken)
    {
        var stored = await records.GetAsync(entry.SessionId, cancellationToken);
        if (stored is null)
            return clock.GetUtcNow() - entry.StartedAt <= MissingRecordGrace;
        var (session, _) = await ExpireIfDueAsync(stored.Value, cancellationToken);
        return session.Status == SessionStatus.Active;
    }

    private async Task OpenSegmentAsync(StreamSession session, ETag etag, string reason, CancellationToken cancellationToken)
    {
        var index = session.Segments.Count > 0 ? session.Segments[^1].Index + 1 : 0;
        await audio.CreateSegmentAsync(session.SessionId, index, cancellationToken);
        var opened = session with { Segments = [.. session.Segments, new AudioSegment(index, 0, 0)] };
        if (await records.TryReplaceAsync(opened, etag, cancellationToken) is not null)
            SessionLog.SegmentOpened(logger, session.SessionId, index, reason);
    }

    private async Task ReleaseAbortedAsync(StreamSession session, CancellationToken cancellationToken)
    {
        if (!Options.KeepAbortedAudio)
            await audio.DeleteSessionAudioAsync(session.SessionId, cancellationToken);
        await registry.RemoveAsync(session.SessionId, cancellationToken);
    }

    private async Task ReleaseQuietlyAsync(string sessionId)
    {
        try
        {
            await registry.RemoveAsync(sessionId, CancellationToken.None);
        }
        catch (Exception e) when (e is RequestFailedException or ServiceException or AggregateException or HttpRequestException)
        {
            SessionLog.ReleaseDeferred(logger, sessionId, e);
        }
    }

    private static AudioSegment[] WithLast(IReadOnlyList<AudioSegment> segments, AudioSegment last)
    {
        var copy = new AudioSegment[segments.Count];
        for (var i = 0; i < copy.Length - 1; i++)
            copy[i] = segments[i];
        copy[^1] = last;
        return copy;
    }

    private static FrameAck Ack(StreamSession session, bool duplicate) =>
        new(session.BufferedSeconds, session.WindowsCompleted, session.NextSeq, duplicate);

    private static void EnsureActive(StreamSession session)
    {
        switch (session.Status)
        {
            case SessionStatus.Active:
                return;
            case SessionStatus.Aborted when session.Reason == SessionReasons.Expired:
                throw ServiceException.NotFound(ErrorCodes.SessionExpired,
                    $"Session {session.SessionId} expired after a period without frames.");
            case SessionStatus.Aborted:
                throw ServiceException.Conflict(ErrorCodes.SessionAborted, $"Session {session.SessionId} was aborted.");
            default:
                throw ServiceException.Conflict(ErrorCodes.SessionEnded,
                    $"Session {session.SessionId} has ended (status {session.Status.ToString().ToLowerInvariant()}).");
        }
    }

    private static ServiceException Busy(string sessionId) =>
        ServiceException.Unavailable(ErrorCodes.SessionBusy,
            $"Session {sessionId} is being changed by several requests at once; send frames one at a time and retry.");

    private static ServiceException UnknownSession(string sessionId) =>
        ServiceException.NotFound(ErrorCodes.SessionNotFound, $"No session '{sessionId}' exists.");
}
