using AudioFunctions.Audio;
using AudioFunctions.Sessions;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Streams;

/// <summary>Stream response bodies, with the field names of reference 000.</summary>
public static class StreamResponses
{
    public static WireValue Started(StreamSession session) => WireValue.Map(
        ("session_id", WireValue.String(session.SessionId)),
        ("window_samples", WireValue.Integer(AudioWindow.Samples)));

    public static WireValue FrameStored(FrameAck ack) => WireValue.Map(
        ("buffered_seconds", WireValue.Float(ack.BufferedSeconds)),
        ("windows_completed", WireValue.Integer(ack.WindowsCompleted)),
        ("next_seq", WireValue.Integer(ack.NextSeq)));

    public static WireValue Ended(StreamEndResult result) => WireValue.Map(
        ("track_id", WireValue.String(result.TrackId)),
        ("duration_s", WireValue.Float(result.DurationSeconds)),
        ("windows_processed", WireValue.Integer(result.WindowsProcessed)),
        ("text_stored", WireValue.Boolean(result.TextStored)),
        ("audio_stored", WireValue.Boolean(result.AudioStored)));

    /// <summary>The 202 answer of an <c>end</c> whose track is still being stored.</summary>
    public static WireValue Finalizing(StreamSession session, string statusUrl) => WireValue.Map(
        ("session_id", WireValue.String(session.SessionId)),
        ("track_id", WireValue.String(session.TrackId)),
        ("status", WireValue.String(StatusName(session.Status))),
        ("status_url", WireValue.String(statusUrl)));

    public static WireValue Status(StreamSession session, DateTimeOffset now)
    {
        var fields = new List<KeyValuePair<string, WireValue>>
        {
            new("session_id", WireValue.String(session.SessionId)),
            new("track_id", WireValue.String(session.TrackId)),
            new("status", WireValue.String(StatusName(session.Status))),
            new("buffered_seconds", WireValue.Float(session.BufferedSeconds)),
            new("windows_completed", WireValue.Integer(session.WindowsCompleted)),
            new("age_seconds", WireValue.Float(Math.Max(0, (now - session.CreatedAt).TotalSeconds))),
        };
        if (session.Reason is { } reason)
            fields.Add(new("reason", WireValue.String(reason)));
        return WireValue.Map(fields);
    }

    public static string StatusName(SessionStatus status) => status switch
    {
        SessionStatus.Active => "active",
        SessionStatus.Finalizing => "finalizing",
        SessionStatus.Completed => "completed",
        SessionStatus.Aborted => "aborted",
        SessionStatus.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
