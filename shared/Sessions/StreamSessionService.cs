using Azure;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Events;
using AudioFunctions.Orchestration;
using AudioFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Sessions;

/// <summary>
/// Stream sessions over storage alone: start, frames, end, abort, status, the expiry sweep, and the
/// transitions the pipeline steps report. No state is held between calls; every change is a
/// compare-and-swap on the session record, and a frame is acknowledged only once both its bytes
/// and the record that counts them are stored.
/// </summary>
public sealed partial class StreamSessionService(
    SessionRecords records,
    ActiveSessionRegistry registry,
    AudioSegmentStore audio,
    SessionRecordCache cache,
    WorkQueues queues,
    IEventPublisher events,
    Spaces.ActiveSpaces spaces,
    IOptions<StreamOptions> options,
    IOptions<PipelineOptions> pipelineOptions,
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
        // Refused before anything is stored: audio this instance could not embed would only end in an error.
        await spaces.RequireAudioEmbedderAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var sessionId = Guid.NewGuid().ToString("D");
        var session = new StreamSession
        {
            SessionId = sessionId,
            TrackId = command.TrackId ?? sessionId,
            Metadata = command.Metadata,
            Format = command.Format,
            Container = command.Container,
            UserId = command.UserId,
            WavHeader = command.Container == AudioContainer.Wav
                ? new WavHeaderProgress([], command.DeclaredSampleRateHz, command.DeclaredChannels)
                : null,
            HopSamples = pipelineOptions.Value.HopSamples,
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
        events.Publish(SessionEvents.Started(session));
        return session;
    }

    /// <summary>The session as stored now (expired first if its inactivity timeout has passed).</summary>
    public async Task<StreamSession> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        (await LoadCurrentAsync(sessionId, cancellationToken)).Value;

    /// <summary>
    /// Applies <paramref name="change"/> to the stored record by compare-and-swap, retrying on
    /// conflicts. The change returns null when the record needs no change (nothing is written).
    /// Returns the record as it stands afterwards.
    /// </summary>
    internal async Task<(StreamSession Session, bool Changed)> UpdateAsync(
        string sessionId, Func<StreamSession, StreamSession?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (session, etag) = await LoadCurrentAsync(sessionId, cancellationToken);
            if (change(session) is not { } changed)
                return (session, false);
            if (await records.TryReplaceAsync(changed, etag, cancellationToken) is not null)
            {
                cache.Forget(sessionId);
                return (changed, true);
            }
            await ActiveSessionRegistry.BackOffAsync(attempt, cancellationToken);
        }
        throw Busy(sessionId);
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
                events.Publish(SessionEvents.Ended(EventTypes.SessionExpired, expired));
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
