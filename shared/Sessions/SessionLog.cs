using Microsoft.Extensions.Logging;

namespace AudioFunctions.Sessions;

internal static partial class SessionLog
{
    [LoggerMessage(1001, LogLevel.Information, "Session {SessionId} started for track {TrackId}")]
    public static partial void Started(ILogger logger, string sessionId, string trackId);

    [LoggerMessage(1002, LogLevel.Information, "Session {SessionId} ended with {Bytes} bytes ({DurationSeconds:F3} s); finalizing")]
    public static partial void Ended(ILogger logger, string sessionId, long bytes, double durationSeconds);

    [LoggerMessage(1003, LogLevel.Information, "Session {SessionId} aborted by the client")]
    public static partial void Aborted(ILogger logger, string sessionId);

    [LoggerMessage(1004, LogLevel.Information, "Session {SessionId} expired after {IdleSeconds:F1} s without frames")]
    public static partial void Expired(ILogger logger, string sessionId, double idleSeconds);

    [LoggerMessage(1005, LogLevel.Debug, "Session {SessionId} opened audio segment {SegmentIndex} after {Reason}")]
    public static partial void SegmentOpened(ILogger logger, string sessionId, int segmentIndex, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "Session {SessionId} could not release its registry entry; the sweep will")]
    public static partial void ReleaseDeferred(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(1007, LogLevel.Information, "Expiry sweep checked {Checked} sessions: {Expired} expired, {Released} released")]
    public static partial void Swept(ILogger logger, int @checked, int expired, int released);

    [LoggerMessage(1008, LogLevel.Warning, "Session {SessionId}: the window step could not be queued; the next hop or the end queues it")]
    public static partial void WindowStepDeferred(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(1009, LogLevel.Information, "Session {SessionId} completed with {Windows} windows (audio stored: {AudioStored})")]
    public static partial void Completed(ILogger logger, string sessionId, int windows, bool audioStored);

    [LoggerMessage(1010, LogLevel.Warning, "Session {SessionId} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string sessionId, string reason);
}
