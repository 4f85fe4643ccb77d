namespace AudioFunctions.Sessions;

/// <summary>
/// A connection streaming into a session. It counts against the per-session connection limit while
/// its lease is fresh: every chunk it sends renews the lease, and a connection whose instance died
/// without saying goodbye stops counting once the lease runs out.
/// </summary>
public sealed record SessionConnection(string Id, DateTimeOffset RenewedAt);
