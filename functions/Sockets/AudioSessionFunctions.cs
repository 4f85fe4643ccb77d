using AudioFunctions.Errors;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using AudioFunctions.Sessions;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// The reference WebSocket API's HTTP endpoints (JSON): session information, and closing a session.
/// They serve every session, whichever way its audio came in.
/// </summary>
public static class AudioSessionFunctions
{
    public static readonly FunctionDeclaration Info = FunctionDeclaration.Http("AudioSessionInfo", "get", "audio/sessions/{sessionId}");
    public static readonly FunctionDeclaration Close = FunctionDeclaration.Http("AudioSessionClose", "post", "audio/sessions/{sessionId}/close");

    public static IEndpointRouteBuilder MapAudioSessionFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHttpFunction(Info, InfoAsync).WithMetadata(JsonByDefault.Instance);
        endpoints.MapHttpFunction(Close, CloseAsync).WithMetadata(JsonByDefault.Instance);
        return endpoints;
    }

    private static async Task<WireResult> InfoAsync(string sessionId, HttpContext context, StreamSessionService sessions, LiveAudioProtocol protocol)
    {
        var session = await sessions.GetAsync(RequireUuid(sessionId), context.RequestAborted);
        return new WireResult(LiveAudioMessages.Info(session, protocol.WavUri(session)));
    }

    /// <summary>Ends the session and waits (as the stream <c>end</c> does) for its WAV and track: <c>{success, message, session_info}</c>.</summary>
    private static async Task<WireResult> CloseAsync(string sessionId, HttpContext context, LiveAudioProtocol protocol)
    {
        var session = await protocol.CloseAsync(RequireUuid(sessionId), context.RequestAborted);
        var success = session.Status is SessionStatus.Completed or SessionStatus.Finalizing;
        return new WireResult(WireValue.Map(
            ("success", WireValue.Boolean(success)),
            ("message", WireValue.String(session.Status switch
            {
                SessionStatus.Completed => "Session closed",
                SessionStatus.Finalizing => "Session closing: its audio is still being stored",
                SessionStatus.Error => $"Session failed: {session.Reason}",
                _ => $"Session was not active ({LiveAudioMessages.StatusName(session)})",
            })),
            ("session_info", LiveAudioMessages.Info(session, protocol.WavUri(session)))));
    }

    /// <summary>Session ids are UUIDs; anything else is a bad parameter (422, as the reference), not an unknown session.</summary>
    private static string RequireUuid(string sessionId) =>
        Guid.TryParseExact(sessionId, "D", out _)
            ? sessionId
            : throw new ServiceException(ErrorKind.Unprocessable, ErrorCodes.InvalidSessionId,
                $"Invalid session id '{(sessionId.Length <= 40 ? sessionId : sessionId[..40] + "…")}': session ids are UUIDs.");
}
