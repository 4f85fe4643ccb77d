using AudioFunctions.Errors;

namespace AudioFunctions.Sessions;

public sealed partial class StreamSessionService
{
    /// <summary>
    /// Counts a live connection into an active session, refusing it when
    /// <paramref name="maxConnections"/> connections already hold fresh leases. Leases older than
    /// <paramref name="lease"/> (their instance went away) are dropped on the way. Returns the session.
    /// </summary>
    public async Task<StreamSession> AttachConnectionAsync(
        string sessionId, string connectionId, int maxConnections, TimeSpan lease, CancellationToken cancellationToken)
    {
        var (session, _) = await UpdateAsync(sessionId, session =>
        {
            EnsureActive(session);
            EnsureWithinDuration(session);
            var now = clock.GetUtcNow();
            var live = SessionConnections.Without(session.Connections, connectionId, now, lease);
            if (live.Length >= maxConnections)
                throw ServiceException.Conflict(ErrorCodes.TooManyConnections,
                    $"Session {sessionId} already has {live.Length} connections, the most one session may have.");
            return session with { Connections = SessionConnections.Renewed(live, connectionId, now) };
        }, cancellationToken);
        return session;
    }

    /// <summary>Stops counting a connection that has gone. Idempotent; a session no longer active is left as it is.</summary>
    public async Task DetachConnectionAsync(string sessionId, string connectionId, CancellationToken cancellationToken) =>
        await UpdateAsync(sessionId, session =>
            session.Status == SessionStatus.Active && SessionConnections.Contains(session.Connections, connectionId)
                ? session with { Connections = SessionConnections.Without(session.Connections, connectionId, clock.GetUtcNow(), TimeSpan.MaxValue) }
                : null, cancellationToken);
}
