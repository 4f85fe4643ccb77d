using AudioFunctions.Errors;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using AudioFunctions.Orchestration;
using AudioFunctions.Sessions;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.Streams;

/// <summary>The HTTP stream-session API of reference 000 ("Flow 1"), and the expiry sweep.</summary>
public static class StreamFunctions
{
    public static readonly FunctionDeclaration Start = FunctionDeclaration.Http("StreamStart", "post", "v1/stream/start");
    public static readonly FunctionDeclaration Frames = FunctionDeclaration.Http("StreamFrames", "post", "v1/stream/{sessionId}/frames");
    public static readonly FunctionDeclaration End = FunctionDeclaration.Http("StreamEnd", "post", "v1/stream/{sessionId}/end");
    public static readonly FunctionDeclaration Abort = FunctionDeclaration.Http("StreamAbort", "delete", "v1/stream/{sessionId}");
    public static readonly FunctionDeclaration Status = FunctionDeclaration.Http("StreamStatus", "get", "v1/stream/{sessionId}/status");

    /// <summary>Expires idle sessions every minute in Azure; locally every <c>INSIGHT_STREAM__SWEEP_INTERVAL_S</c>.</summary>
    public static readonly FunctionDeclaration SweepExpiredSessions = FunctionDeclaration.Timer("SweepExpiredSessions", "0 */1 * * * *");

    public static IEndpointRouteBuilder MapStreamFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHttpFunction(Start, StartAsync);
        endpoints.MapHttpFunction(Frames, FramesAsync);
        endpoints.MapHttpFunction(End, EndAsync);
        endpoints.MapHttpFunction(Abort, AbortAsync);
        endpoints.MapHttpFunction(Status, StatusAsync);
        endpoints.MapTimerFunction(
            SweepExpiredSessions,
            services => TimeSpan.FromSeconds(services.GetRequiredService<IOptions<StreamOptions>>().Value.SweepIntervalSeconds),
            SweepAsync);
        return endpoints;
    }

    private static async Task<WireResult> StartAsync(HttpRequest request, StreamSessionService sessions)
    {
        var command = StreamRequests.ParseStart(await RequestBodies.ReadWireAsync(request));
        var session = await sessions.StartAsync(command, request.HttpContext.RequestAborted);
        return new WireResult(StreamResponses.Started(session));
    }

    private static async Task<WireResult> FramesAsync(string sessionId, HttpRequest request, StreamSessionService sessions, IOptions<StreamOptions> options)
    {
        if (request.ContentType is { Length: > 0 } type && MediaTypes.FormatOf(type) is not null)
            throw new ServiceException(ErrorKind.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                $"Frames are raw audio bytes: send them as {MediaTypes.OctetStream}, not {type}.");
        var seq = StreamRequests.ParseSeq(request);
        using var frame = await RequestBodies.ReadBytesAsync(request, options.Value.MaxFrameBytes, ErrorCodes.FrameTooLarge);
        var ack = await sessions.AppendFrameAsync(sessionId, seq, frame.Memory, request.HttpContext.RequestAborted);
        if (ack.Duplicate)
            request.HttpContext.Response.Headers["X-Duplicate-Seq"] = "true";
        return new WireResult(StreamResponses.FrameStored(ack));
    }

    /// <summary>
    /// Ends the stream and waits (at most <c>PIPELINE__END_WAIT_S</c>) for the track to be stored:
    /// 200 with the result, or 202 with the status URL while it is still being finalized.
    /// </summary>
    private static async Task<WireResult> EndAsync(string sessionId, HttpRequest request, StreamSessionService sessions, IOptions<PipelineOptions> pipeline)
    {
        var command = StreamRequests.ParseEnd(await RequestBodies.ReadWireAsync(request));
        var cancellationToken = request.HttpContext.RequestAborted;
        await sessions.EndAsync(sessionId, command, cancellationToken);
        var session = await sessions.WaitForOutcomeAsync(sessionId, TimeSpan.FromSeconds(pipeline.Value.EndWaitSeconds), cancellationToken);
        return session switch
        {
            { Result: { } result } => new WireResult(StreamResponses.Ended(result)),
            { Status: SessionStatus.Error } => throw ServiceException.Conflict(ErrorCodes.SessionFailed,
                $"Session {sessionId} failed while being finalized: {session.Reason}"),
            _ => new WireResult(StreamResponses.Finalizing(session, $"/{HttpTrigger.RoutePrefix}/v1/stream/{sessionId}/status"), StatusCodes.Status202Accepted),
        };
    }

    private static async Task<WireResult> AbortAsync(string sessionId, HttpContext context, StreamSessionService sessions)
    {
        var session = await sessions.AbortAsync(sessionId, context.RequestAborted);
        return new WireResult(StreamResponses.Status(session, sessions.Clock.GetUtcNow()));
    }

    private static async Task<WireResult> StatusAsync(string sessionId, HttpContext context, StreamSessionService sessions)
    {
        var session = await sessions.GetAsync(sessionId, context.RequestAborted);
        return new WireResult(StreamResponses.Status(session, sessions.Clock.GetUtcNow()));
    }

    private static async Task<string> SweepAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var report = await services.GetRequiredService<StreamSessionService>().SweepAsync(cancellationToken);
        return $"Checked {report.Checked} sessions: {report.Expired} expired, {report.Released} released.";
    }
}
