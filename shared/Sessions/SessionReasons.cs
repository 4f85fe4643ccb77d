namespace AudioFunctions.Sessions;

/// <summary>Why a session left the active state, as recorded in <see cref="StreamSession.Reason"/>.</summary>
public static class SessionReasons
{
    public const string Ended = "ended";
    public const string AbortedByClient = "aborted_by_client";
    public const string Expired = "expired";
}
