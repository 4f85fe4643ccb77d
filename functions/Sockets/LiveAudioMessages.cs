using AudioFunctions.Audio;
using AudioFunctions.Sessions;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// The JSON a live client receives: the reference's ack (<c>message</c>, <c>session_id</c>,
/// <c>chunk_count</c>, <c>status</c>) for every chunk and for the first message of a new session,
/// error replies of the same shape with <c>status</c> "error", and the session information the
/// HTTP endpoints and <c>close_session</c> return.
/// </summary>
public static class LiveAudioMessages
{
    public const string ChunkProcessed = "Chunk processed successfully";

    /// <summary>The first message of a new session: an ack of no chunks, carrying the session id.</summary>
    public static byte[] Greeting(string sessionId) =>
        Ack("Session created", sessionId, 0, "active");

    public static byte[] Chunk(string sessionId, long chunkCount) =>
        Ack(ChunkProcessed, sessionId, chunkCount, "active");

    /// <summary>A message that could not be processed: reference shape, plus our error code and detail.</summary>
    public static byte[] Failure(string message, string sessionId, long? chunkCount, string errorCode, string detail) =>
        JsonCodec.Serialize(WireValue.Map(
            ("message", WireValue.String(message)),
            ("session_id", WireValue.String(sessionId)),
            ("chunk_count", chunkCount is { } count ? WireValue.Integer(count) : WireValue.Nil),
            ("status", WireValue.String("error")),
            ("error", WireValue.String(errorCode)),
            ("detail", WireValue.String(detail))));

    /// <summary>The answer to <c>close_session</c>: an ack carrying the session's final information.</summary>
    public static byte[] Closed(StreamSession session, Uri? wav) =>
        JsonCodec.Serialize(WireValue.Map(
            ("message", WireValue.String(session.Status == SessionStatus.Error ? "Session failed" : "Session closed")),
            ("session_id", WireValue.String(session.SessionId)),
            ("chunk_count", WireValue.Integer(session.NextSeq)),
            ("status", WireValue.String(StatusName(session))),
            ("session_info", Info(session, wav))));

    /// <summary>
    /// The reference's session information (<c>status</c>, <c>total_chunks</c>,
    /// <c>duration_seconds</c>, <c>file_path</c>) and what else a client needs to know.
    /// </summary>
    public static WireValue Info(StreamSession session, Uri? wav) => WireValue.Map(
        ("session_id", WireValue.String(session.SessionId)),
        ("status", WireValue.String(StatusName(session))),
        ("reason", session.Reason is { } reason ? WireValue.String(reason) : WireValue.Nil),
        ("user_id", session.UserId is { } user ? WireValue.String(user) : WireValue.Nil),
        ("track_id", WireValue.String(session.TrackId)),
        ("format", WireValue.String(FormatName(session))),
        ("sample_rate", WireValue.Integer(session.PcmFormat.SampleRateHz)),
        ("channels", WireValue.Integer(session.PcmFormat.Channels)),
        ("total_chunks", WireValue.Integer(session.NextSeq)),
        ("total_bytes", WireValue.Integer(session.TotalBytes)),
        ("duration_seconds", WireValue.Float(session.BufferedSeconds)),
        ("windows_completed", WireValue.Integer(session.WindowsCompleted)),
        ("file_path", wav is null ? WireValue.Nil : WireValue.String(wav.AbsoluteUri)),
        ("created_at", WireValue.String(session.CreatedAt.ToString("O"))),
        ("ended_at", session.EndedAt is { } ended ? WireValue.String(ended.ToString("O")) : WireValue.Nil));

    /// <summary>
    /// The reference's statuses (<c>active</c>, <c>completed</c>, <c>error</c>) and ours between and
    /// beside them: <c>closing</c> while the track is being stored, <c>expired</c> and <c>aborted</c>.
    /// </summary>
    public static string StatusName(StreamSession session) => session.Status switch
    {
        SessionStatus.Active => "active",
        SessionStatus.Finalizing => "closing",
        SessionStatus.Completed => "completed",
        SessionStatus.Error => "error",
        _ when session.Reason == SessionReasons.Expired => "expired",
        _ => "aborted",
    };

    private static string FormatName(StreamSession session) => session.Container switch
    {
        AudioContainer.Pcm => session.Format.Encoding.ToWireName(),
        var container => container.ToString().ToLowerInvariant(),
    };

    private static byte[] Ack(string message, string sessionId, long chunkCount, string status) =>
        JsonCodec.Serialize(WireValue.Map(
            ("message", WireValue.String(message)),
            ("session_id", WireValue.String(sessionId)),
            ("chunk_count", WireValue.Integer(chunkCount)),
            ("status", WireValue.String(status))));
}
