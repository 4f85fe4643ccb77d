using System.Text.Json;
using AudioFunctions.Errors;
using AudioFunctions.Orchestration;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// The live audio protocol of reference 001, independent of transport: the app's own WebSocket
/// endpoint and the Web PubSub event handler both drive it. It keeps nothing between calls; every
/// message is answered from the stored session, so a client may reconnect to any instance.
/// </summary>
public sealed partial class LiveAudioProtocol(
    StreamSessionService sessions,
    StorageContainers containers,
    IOptions<LiveAudioOptions> options,
    IOptions<PipelineOptions> pipeline,
    ILogger<LiveAudioProtocol> logger)
{
    public const string CloseSessionAction = "close_session";

    private LiveAudioOptions Options => options.Value;

    /// <summary>
    /// Opens a new session from <paramref name="query"/> (when <paramref name="sessionId"/> is null)
    /// or joins an existing one, and counts the connection into it.
    /// </summary>
    /// <exception cref="LiveAudioRejection">Bad parameters, an unknown or ended session, or a limit reached.</exception>
    public async Task<LiveAudioOpened> OpenAsync(
        string? sessionId, IReadOnlyDictionary<string, string> query, string connectionId, CancellationToken cancellationToken)
    {
        try
        {
            if (sessionId is null)
            {
                var command = LiveAudioParameters.Parse(query, Options);
                var session = await sessions.StartAsync(command, cancellationToken);
                session = await sessions.AttachConnectionAsync(session.SessionId, connectionId, Options.MaxConnectionsPerSession, Options.ConnectionTimeout, cancellationToken);
                return new LiveAudioOpened(session.SessionId, LiveAudioMessages.Greeting(session.SessionId));
            }
            if (!Guid.TryParseExact(sessionId, "D", out _))
                throw ServiceException.BadRequest(ErrorCodes.InvalidSessionId, $"Invalid session id '{Shorten(sessionId)}': session ids are UUIDs.");
            await sessions.AttachConnectionAsync(sessionId, connectionId, Options.MaxConnectionsPerSession, Options.ConnectionTimeout, cancellationToken);
            return new LiveAudioOpened(sessionId, null);
        }
        catch (ServiceException e) when (e.Code == ErrorCodes.SessionTooLong && sessionId is not null)
        {
            // Nobody may stream into it any more: it is closed with the audio it has, as a chunk would have it.
            await CloseAsync(sessionId, cancellationToken);
            throw LiveAudioRejection.From(e);
        }
        catch (Exception e) when (AsServiceFailure(e, cancellationToken) is { } failure)
        {
            throw LiveAudioRejection.From(failure);
        }
    }

    /// <summary>Stores one audio chunk and answers with the ack once it is durable (or why it is not).</summary>
    public async Task<LiveAudioReply> ReceiveAudioAsync(string sessionId, string connectionId, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Length > Options.MaxMessageBytes)
            return Refused(sessionId, null, new ServiceException(ErrorKind.PayloadTooLarge, ErrorCodes.FrameTooLarge,
                $"A message may carry at most {Options.MaxMessageBytes} bytes; this one has {chunk.Length}."));
        try
        {
            var ack = await sessions.AppendChunkAsync(sessionId, connectionId, chunk, cancellationToken);
            return new LiveAudioReply(LiveAudioMessages.Chunk(sessionId, ack.NextSeq));
        }
        catch (ServiceException e) when (e.Code == ErrorCodes.SessionTooLong)
        {
            // The audio so far is kept: the session is closed as if the client had asked.
            var closed = await CloseAsync(sessionId, cancellationToken);
            return new LiveAudioReply(
                LiveAudioMessages.Failure("Session reached its maximum duration and was closed", sessionId, closed.NextSeq, e.Code, e.Message),
                new LiveAudioClose(LiveAudioClose.PolicyViolation, e.Message));
        }
        catch (Exception e) when (AsServiceFailure(e, cancellationToken) is { } failure)
        {
            return Refused(sessionId, null, failure);
        }
    }

    /// <summary>
    /// Answers a text message: <c>{"type":"control","action":"close_session"}</c> closes the session
    /// and answers with its final information; anything else gets an error reply and changes nothing.
    /// </summary>
    public async Task<LiveAudioReply> ReceiveControlAsync(string sessionId, string connectionId, string text, CancellationToken cancellationToken)
    {
        if (!TryReadControl(text, out var action, out var problem))
            return new LiveAudioReply(LiveAudioMessages.Failure("Invalid control message", sessionId, null, ErrorCodes.InvalidControlMessage, problem));
        if (action != CloseSessionAction)
            return new LiveAudioReply(LiveAudioMessages.Failure("Invalid control message", sessionId, null, ErrorCodes.InvalidControlMessage,
                $"Unknown control action '{Shorten(action)}'; supported: {CloseSessionAction}."));
        try
        {
            var session = await CloseAsync(sessionId, cancellationToken);
            return new LiveAudioReply(
                LiveAudioMessages.Closed(session, WavUri(session)),
                new LiveAudioClose(LiveAudioClose.Normal, "session closed"));
        }
        catch (Exception e) when (AsServiceFailure(e, cancellationToken) is { } failure)
        {
            return Refused(sessionId, null, failure);
        }
    }

    /// <summary>A connection has gone: it stops counting, and the session ends too when <paramref name="endSession"/>.</summary>
    public async Task DetachAsync(string sessionId, string connectionId, bool endSession, CancellationToken cancellationToken)
    {
        try
        {
            await sessions.DetachConnectionAsync(sessionId, connectionId, cancellationToken);
            if (endSession)
                await sessions.EndAsync(sessionId, new EndStreamCommand(Store: true, MinDurationSeconds: null), cancellationToken);
        }
        catch (Exception e) when (AsServiceFailure(e, cancellationToken) is { } failure)
        {
            // Nobody is left to tell; the lease runs out, and the session expires or has already ended.
            DetachFailed(logger, sessionId, failure.Message);
        }
    }

    /// <summary>
    /// Ends the session (idempotent) and waits, as long as the HTTP <c>end</c> does, for the track and
    /// its WAV to be stored. Returns the session as it stands then.
    /// </summary>
    public async Task<StreamSession> CloseAsync(string sessionId, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(sessionId, cancellationToken);
        if (session.Status is SessionStatus.Active or SessionStatus.Finalizing)
        {
            await sessions.EndAsync(sessionId, new EndStreamCommand(Store: true, MinDurationSeconds: null), cancellationToken);
            session = await sessions.WaitForOutcomeAsync(sessionId, TimeSpan.FromSeconds(pipeline.Value.EndWaitSeconds), cancellationToken);
        }
        return session;
    }

    /// <summary>Where the session's WAV is, once it has been assembled.</summary>
    public Uri? WavUri(StreamSession session) =>
        session.WavBlob is { } blob ? containers.Audio.GetBlobClient(blob).Uri : null;

    private LiveAudioReply Refused(string sessionId, long? chunkCount, ServiceException failure)
    {
        // A failure that may pass (storage, a busy session) keeps the connection: the client resends the
        // chunk. One that will not (the session is gone or over, bad audio) closes it with the reason.
        var close = failure.Kind == ErrorKind.Unavailable
            ? null
            : new LiveAudioClose(LiveAudioRejection.From(failure).CloseCode, failure.Message);
        ChunkRefused(logger, sessionId, failure.Code, failure.Message);
        return new LiveAudioReply(LiveAudioMessages.Failure("Failed to process chunk", sessionId, chunkCount, failure.Code, failure.Message), close);
    }

    private static bool TryReadControl(string text, out string action, out string problem)
    {
        action = problem = "";
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "control")
            {
                problem = """A control message is a JSON object with "type": "control" and an "action".""";
                return false;
            }
            if (!root.TryGetProperty("action", out var value) || value.ValueKind != JsonValueKind.String)
            {
                problem = """The control message has no "action" string; supported: close_session.""";
                return false;
            }
            action = value.GetString()!;
            return true;
        }
        catch (JsonException e)
        {
            problem = $"The text message is not JSON: {e.Message}";
            return false;
        }
    }

    /// <summary>Failures a client is told about; null for a bug (the caller lets it become a 1011).</summary>
    private static ServiceException? AsServiceFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        ServiceException service => service,
        LiveAudioRejection => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        _ when StorageFailures.IsUnavailable(e) || e is OperationCanceledException =>
            ServiceException.Unavailable(ErrorCodes.StorageUnavailable, "Storage is unavailable; nothing from this message was stored. Retry later."),
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [LoggerMessage(6101, LogLevel.Information, "Live session {SessionId}: message refused ({Code}): {Reason}")]
    private static partial void ChunkRefused(ILogger logger, string sessionId, string code, string reason);

    [LoggerMessage(6102, LogLevel.Warning, "Live session {SessionId}: the connection could not be released: {Reason}")]
    private static partial void DetachFailed(ILogger logger, string sessionId, string reason);
}
