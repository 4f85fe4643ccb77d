namespace AudioFunctions.Events;

/// <summary>The CloudEvents <c>type</c> values the service publishes. Integrations switch on these; never rename one.</summary>
public static class EventTypes
{
    public const string SessionStarted = "audiofunctions.session.started";
    public const string ChunkReceived = "audiofunctions.session.chunk_received";
    public const string WindowEmbedded = "audiofunctions.session.window_embedded";
    public const string TrackStored = "audiofunctions.track.stored";
    public const string SessionCompleted = "audiofunctions.session.completed";
    public const string SessionAborted = "audiofunctions.session.aborted";
    public const string SessionExpired = "audiofunctions.session.expired";
    public const string SessionError = "audiofunctions.session.error";
}
