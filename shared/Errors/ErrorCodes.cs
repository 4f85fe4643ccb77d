namespace AudioFunctions.Errors;

/// <summary>The <c>error</c> values of the API's error bodies. Clients switch on these; never rename one.</summary>
public static class ErrorCodes
{
    // 400
    public const string MalformedBody = "malformed_body";
    public const string InvalidRequest = "invalid_request";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string UnsupportedFormat = "unsupported_format";
    public const string InvalidSampleRate = "invalid_sample_rate";
    public const string InvalidChannels = "invalid_channels";
    public const string InvalidSeq = "invalid_seq";
    public const string EmptyFrame = "empty_frame";
    public const string InvalidEmbedding = "invalid_embedding";
    public const string UnknownCollection = "unknown_collection";
    public const string InvalidSpace = "invalid_space";
    public const string UnknownEmbedder = "unknown_embedder";
    public const string InvalidLimit = "invalid_limit";
    public const string InvalidWavHeader = "invalid_wav_header";
    public const string FormatMismatch = "format_mismatch";
    public const string InvalidSessionId = "invalid_session_id";
    public const string InvalidControlMessage = "invalid_control_message";

    // 401
    public const string Unauthorized = "unauthorized";

    // 404
    public const string SessionNotFound = "session_not_found";
    public const string SessionExpired = "session_expired";
    public const string TrackNotFound = "track_not_found";
    public const string UnknownSpace = "unknown_space";
    public const string JobNotFound = "job_not_found";
    public const string NotFound = "not_found";

    // 405
    public const string MethodNotAllowed = "method_not_allowed";

    // 409
    public const string SessionExists = "session_exists";
    public const string SeqGap = "seq_gap";
    public const string SessionEnded = "session_ended";
    public const string SessionAborted = "session_aborted";
    public const string SessionFailed = "session_failed";
    public const string SessionTooLong = "session_too_long";
    public const string TooManyConnections = "too_many_connections";
    public const string JobRunning = "job_running";
    public const string SpaceActive = "space_active";

    // 413, 415
    public const string FrameTooLarge = "frame_too_large";
    public const string BodyTooLarge = "body_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";

    // 503
    public const string SessionLimitReached = "session_limit_reached";
    public const string StorageUnavailable = "storage_unavailable";
    public const string EmbedderUnavailable = "embedder_unavailable";
    public const string SearchUnavailable = "search_unavailable";
    public const string SessionBusy = "session_busy";

    // WebSocket replies only
    public const string ConnectionIdle = "connection_idle";

    // 500
    public const string InternalError = "internal_error";
}
