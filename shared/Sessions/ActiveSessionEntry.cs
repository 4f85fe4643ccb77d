namespace AudioFunctions.Sessions;

/// <summary>One active session in the registry: the track it holds and when it started.</summary>
public sealed record ActiveSessionEntry(string TrackId, string SessionId, DateTimeOffset StartedAt);
