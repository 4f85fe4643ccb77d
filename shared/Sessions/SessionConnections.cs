namespace AudioFunctions.Sessions;

/// <summary>Lease arithmetic over a session's <see cref="SessionConnection"/> list (small: a handful of entries).</summary>
internal static class SessionConnections
{
    /// <summary>The list with <paramref name="connectionId"/>'s lease renewed at <paramref name="now"/> (added when absent).</summary>
    public static SessionConnection[] Renewed(IReadOnlyList<SessionConnection> connections, string connectionId, DateTimeOffset now)
    {
        var result = new List<SessionConnection>(connections.Count + 1);
        foreach (var connection in connections)
            if (connection.Id != connectionId)
                result.Add(connection);
        result.Add(new SessionConnection(connectionId, now));
        return [.. result];
    }

    /// <summary>The list without <paramref name="connectionId"/> and without leases older than <paramref name="lease"/>.</summary>
    public static SessionConnection[] Without(IReadOnlyList<SessionConnection> connections, string? connectionId, DateTimeOffset now, TimeSpan lease)
    {
        var result = new List<SessionConnection>(connections.Count);
        foreach (var connection in connections)
            if (connection.Id != connectionId && now - connection.RenewedAt <= lease)
                result.Add(connection);
        return [.. result];
    }

    public static bool Contains(IReadOnlyList<SessionConnection> connections, string connectionId)
    {
        foreach (var connection in connections)
            if (connection.Id == connectionId)
                return true;
        return false;
    }
}
