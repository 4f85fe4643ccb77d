using System.Text;
using System.Text.Json;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Functions.Sockets;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// Serves Azure Web PubSub's upstream calls (reference-cloud-events) with the live audio protocol
/// of the app's WebSocket endpoint: a client connected to the hub gets the same sessions, acks
/// and control messages. Every POST is checked against <c>ce-signature</c> before anything else.
/// Acks come back in the order the frames were sent: the docs make user events blocking, the
/// service waiting for one reply before it sends the connection's next event.
/// </summary>
public sealed partial class WebPubSubEventHandler(
    IOptions<WebPubSubOptions> options,
    LiveAudioProtocol protocol,
    WebPubSubRestClient service,
    IHostApplicationLifetime lifetime,
    ILogger<WebPubSubEventHandler> logger)
{
    /// <summary>
    /// Largest event body read: Web PubSub forwards client messages of at most 1 MB, so a
    /// larger body is not the service's (413, which for a message drops the connection).
    /// </summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>The connect URL's parameter that joins an existing session, as the WebSocket API's path segment does.</summary>
    public const string SessionIdParameter = "session_id";

    /// <summary>The connect URL's parameter carrying the client's Web PubSub access token.</summary>
    public const string AccessTokenParameter = "access_token";

    /// <summary>
    /// Content type of the replies to <c>message</c> events. For simple WebSocket clients the docs
    /// name two reply types: <c>application/octet-stream</c> (sent as a binary frame) and
    /// <c>text/plain</c> (sent as a text frame); the protocol's replies are JSON text messages.
    /// </summary>
    public const string MessageReplyContentType = "text/plain; charset=utf-8";

    private WebPubSubOptions Options => options.Value;

    /// <summary>Set once the missing endpoint has been logged: one line per process says greetings are off.</summary>
    private int _noEndpointLogged;

    /// <summary>
    /// The CloudEvents webhook abuse-protection handshake: the service sends OPTIONS with
    /// <c>WebHook-Request-Origin: &lt;its host&gt;</c> when the handler is configured, and delivers
    /// events only if the reply carries <c>WebHook-Allowed-Origin</c> (the origin, or <c>*</c>).
    /// The hub is not checked here: the handshake is about the sender, not one hub.
    /// </summary>
    public IResult Handshake(HttpContext context)
    {
        if (!Options.IsEnabled)
            throw Refused($"No access key is configured ({WebPubSubOptions.Section}__ACCESS_KEY), so this app cannot verify Web PubSub events and accepts none.");
        var origin = context.Request.Headers[WebPubSubHeaders.RequestOrigin].ToString().Trim();
        if (origin.Length == 0)
            throw ServiceException.BadRequest(ErrorCodes.InvalidRequest,
                $"The abuse-protection handshake needs a {WebPubSubHeaders.RequestOrigin} header naming the sender's host.");
        if (!Options.AllowsOrigin(origin))
        {
            OriginRefused(logger, origin);
            throw Refused($"Origin '{origin}' may not deliver events here; {WebPubSubOptions.Section}__ALLOWED_ORIGINS lists the allowed ones.");
        }

        var headers = context.Response.Headers;
        headers[WebPubSubHeaders.AllowedOrigin] = origin;
        headers[WebPubSubHeaders.AllowedRate] = "*";
        headers.Allow = "OPTIONS, POST";
        return Results.Ok();
    }

    /// <summary>One event: verified, then dispatched on <c>ce-type</c>.</summary>
    public async Task<IResult> HandleAsync(string hub, HttpContext context)
    {
        var request = context.Request;
        if (!Options.IsEnabled)
            throw Refused($"No access key is configured ({WebPubSubOptions.Section}__ACCESS_KEY), so this app cannot verify Web PubSub events and accepts none.");
        var connectionId = request.Headers[WebPubSubHeaders.ConnectionId].ToString();
        if (!WebPubSubSignature.IsValid(request.Headers[WebPubSubHeaders.Signature], connectionId, Options.AccessKeys))
        {
            SignatureRejected(logger, request.Headers[WebPubSubHeaders.Type].ToString(), connectionId);
            throw Refused($"The {WebPubSubHeaders.Signature} header is missing or does not verify with this app's access keys.");
        }
        if (!WebPubSubEvent.TryRead(request.Headers, out var webPubSubEvent, out var error))
            throw ServiceException.BadRequest(ErrorCodes.InvalidRequest, error!);
        var otherHub = !string.Equals(hub, Options.Hub, StringComparison.OrdinalIgnoreCase) ? hub
            : !string.Equals(webPubSubEvent!.Hub, Options.Hub, StringComparison.OrdinalIgnoreCase) ? webPubSubEvent.Hub
            : null;
        if (otherHub is not null)
            throw ServiceException.NotFound(ErrorCodes.NotFound,
                $"This app serves the Web PubSub hub '{Options.Hub}' ({WebPubSubOptions.Section}__HUB), not '{otherHub}'.");

        // Work on an event is finished even if the service gives up waiting (its reply is lost, the
        // stored bytes are not), as on the WebSocket endpoint; only the app stopping interrupts it.
        var cancellationToken = lifetime.ApplicationStopping;
        return webPubSubEvent!.Type switch
        {
            WebPubSubEventTypes.Connect => await ConnectAsync(webPubSubEvent, request, cancellationToken),
            WebPubSubEventTypes.Connected => await ConnectedAsync(webPubSubEvent, cancellationToken),
            WebPubSubEventTypes.Disconnected => await DisconnectedAsync(webPubSubEvent, request, cancellationToken),
            WebPubSubEventTypes.Message => await MessageAsync(webPubSubEvent, request, cancellationToken),
            _ => throw ServiceException.BadRequest(ErrorCodes.InvalidRequest,
                $"Event '{webPubSubEvent.Type}' is not handled here: connect as a plain WebSocket client (no subprotocol) and send audio as binary frames, control messages as text."),
        };
    }

    /// <summary>
    /// A client asks to connect: the query opens (or, with <c>session_id</c>, joins) a session.
    /// A 4xx reply is what the client's handshake receives, so a rejection is answered with its
    /// own status and reason. On success the session id goes into the connection state, which the
    /// service returns with every later event of this connection.
    /// </summary>
    /// <remarks>
    /// The reply never gives the connection a Web PubSub user id taken from the query: the
    /// <c>user_id</c> parameter names the session's user, not an identity the service should
    /// trust. A user the client's access token already names is confirmed (200 <c>{"userId"}</c>);
    /// an anonymous connection stays anonymous (204). A new session's greeting cannot be the reply:
    /// the service relays no body of a successful connect to the client, whose WebSocket is not
    /// open yet. It goes into the connection state instead, for <c>connected</c> to send.
    /// </remarks>
    private async Task<IResult> ConnectAsync(WebPubSubEvent connect, HttpRequest request, CancellationToken cancellationToken)
    {
        Dictionary<string, string> query;
        using (var body = await RequestBodies.ReadBytesAsync(request, MaxMessageBytes, ErrorCodes.BodyTooLarge))
            query = WebPubSubConnectRequest.ReadQuery(body.Memory);

        // As in the WebSocket API, where the session id is a path segment and not a parameter;
        // the protocol judges its value (an empty one is as invalid as any other non-UUID).
        var sessionId = query.Remove(SessionIdParameter, out var requested) ? requested : null;
        // A client may authenticate to the service with its token in the URL; it goes no further.
        query.Remove(AccessTokenParameter);

        LiveAudioOpened opened;
        try
        {
            opened = await protocol.OpenAsync(sessionId, query, connect.ConnectionId, cancellationToken);
        }
        catch (LiveAudioRejection rejection)
        {
            ConnectRejected(logger, connect.ConnectionId, rejection.HttpStatus, rejection.Reason);
            return Rejected(rejection);
        }

        Opened(logger, opened.SessionId, connect.ConnectionId, sessionId is null);
        var state = WebPubSubConnectionState.Encode(opened.SessionId, greet: opened.Greeting is not null);
        if (string.IsNullOrEmpty(connect.UserId))
            return WebPubSubReply.NoContent(state);
        var userId = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["userId"] = connect.UserId });
        return new WebPubSubReply(StatusCodes.Status200OK, userId, MediaTypes.Json, state);
    }

    /// <summary>
    /// The client's WebSocket is open: a connection that opened a new session gets its greeting,
    /// as the first message on the app's own WebSocket, sent through the REST API (the service
    /// relays no reply body of this event). The reference's clients wait for it before streaming.
    /// Always 204: the event is not blocking, and a greeting that cannot be sent is logged and
    /// done without, since every ack carries the session id too.
    /// </summary>
    /// <remarks>
    /// The state set at connect says whether a greeting is owed, so any instance can send it. The
    /// greeting is sent before the reply, which therefore reports finished work; the service does
    /// not hold the client back meanwhile, and <c>WEBPUBSUB__SEND_TIMEOUT_S</c> bounds the call.
    /// </remarks>
    private async Task<IResult> ConnectedAsync(WebPubSubEvent connected, CancellationToken cancellationToken)
    {
        if (!WebPubSubConnectionState.TryDecode(connected.ConnectionState, out var sessionId, out var greet) || !greet
            || !Guid.TryParseExact(sessionId, "D", out _))
            return WebPubSubReply.NoContent();
        if (!service.IsConfigured)
        {
            if (Interlocked.Exchange(ref _noEndpointLogged, 1) == 0)
                GreetingsOff(logger, $"{WebPubSubOptions.Section}__ENDPOINT");
            return WebPubSubReply.NoContent();
        }
        if (await service.SendTextToConnectionAsync(connected.Hub, connected.ConnectionId, LiveAudioMessages.Greeting(sessionId), cancellationToken))
            Greeted(logger, sessionId, connected.ConnectionId);
        return WebPubSubReply.NoContent();
    }

    /// <summary>
    /// The connection is gone (sent for every connection whose connect succeeded). The session is
    /// left to be rejoined or to expire, unless <c>END_SESSION_ON_DISCONNECT</c> says to end it.
    /// </summary>
    private async Task<IResult> DisconnectedAsync(WebPubSubEvent disconnected, HttpRequest request, CancellationToken cancellationToken)
    {
        var reason = await ReadDisconnectReasonAsync(request);
        if (!WebPubSubConnectionState.TryDecode(disconnected.ConnectionState, out var sessionId))
        {
            // Nothing was attached (a connect this app did not accept leaves no state).
            return WebPubSubReply.NoContent();
        }
        var endSession = Options.EndSessionOnDisconnect;
        await protocol.DetachAsync(sessionId, disconnected.ConnectionId, endSession, cancellationToken);
        Detached(logger, sessionId, disconnected.ConnectionId, reason ?? "", endSession);
        return WebPubSubReply.NoContent();
    }

    /// <summary>
    /// One frame from the client: binary is audio, text is a control message. The protocol's reply
    /// goes back as the 200 body, which the service sends to the client as a text frame. A reply
    /// that closes the connection is answered with a non-2xx status instead, because that is the
    /// one way an upstream drops a connection ("the connection would be dropped if the message
    /// response status code isn't success"); the reply JSON is still the body, though the docs do
    /// not promise the client receives it.
    /// </summary>
    private async Task<IResult> MessageAsync(WebPubSubEvent message, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!WebPubSubConnectionState.TryDecode(message.ConnectionState, out var sessionId))
            throw ServiceException.BadRequest(ErrorCodes.InvalidRequest,
                $"This connection carries no session in {WebPubSubHeaders.ConnectionState}: its connect was not accepted by this app.");

        var isAudio = IsBinary(request.ContentType);
        using var body = await RequestBodies.ReadBytesAsync(request, MaxMessageBytes, ErrorCodes.FrameTooLarge);
        LiveAudioReply reply;
        try
        {
            reply = isAudio
                ? await protocol.ReceiveAudioAsync(sessionId, message.ConnectionId, body.Memory, cancellationToken)
                : await protocol.ReceiveControlAsync(sessionId, message.ConnectionId, Encoding.UTF8.GetString(body.Span), cancellationToken);
        }
        catch (LiveAudioRejection rejection)
        {
            ConnectionDropped(logger, sessionId, message.ConnectionId, rejection.CloseCode, rejection.Reason);
            return Rejected(rejection);
        }

        // A normal close (the answer to close_session) is delivered: the client needs the final
        // information, and the session it would stream into is over anyway. Any other close drops
        // the connection, which only a non-2xx reply does.
        if (reply.Close is { Code: not LiveAudioClose.Normal } close)
        {
            ConnectionDropped(logger, sessionId, message.ConnectionId, close.Code, close.Reason);
            return new WebPubSubReply(DropStatus(close.Code), reply.Json, MediaTypes.Json);
        }
        return new WebPubSubReply(StatusCodes.Status200OK, reply.Json, MessageReplyContentType);
    }

    /// <summary>
    /// The status that drops a connection the protocol closes with <paramref name="closeCode"/>
    /// (RFC 6455 codes): the service only needs a non-2xx, and the status keeps the close's sense
    /// for whoever reads the service's logs.
    /// </summary>
    public static int DropStatus(int closeCode) => closeCode switch
    {
        LiveAudioClose.PolicyViolation => StatusCodes.Status400BadRequest,
        LiveAudioClose.MessageTooBig => StatusCodes.Status413PayloadTooLarge,
        LiveAudioClose.InternalError => StatusCodes.Status500InternalServerError,
        LiveAudioClose.TryAgainLater => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status410Gone,
    };

    /// <summary>
    /// Binary frames arrive as <c>application/octet-stream</c>; text frames as <c>text/plain</c>
    /// (and, from some clients, <c>application/json</c>), so anything else counts as text.
    /// </summary>
    private static bool IsBinary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals(MediaTypes.OctetStream, StringComparison.OrdinalIgnoreCase);

    /// <summary>A protocol rejection as the error contract, with the protocol's own status and code.</summary>
    private static IResult Rejected(LiveAudioRejection rejection) =>
        new WireResult(ErrorResponses.Body(rejection.ErrorCode, rejection.Reason), rejection.HttpStatus);

    /// <summary>The <c>reason</c> of a disconnected event's <c>{"reason": …}</c> body, for the log; null when absent or unreadable.</summary>
    private static async Task<string?> ReadDisconnectReasonAsync(HttpRequest request)
    {
        using var body = await RequestBodies.ReadBytesAsync(request, MaxMessageBytes, ErrorCodes.BodyTooLarge);
        try
        {
            using var document = JsonDocument.Parse(body.Memory);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("reason", out var reason)
                && reason.ValueKind == JsonValueKind.String
                ? reason.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ServiceException Refused(string detail) => new(ErrorKind.Unauthorized, ErrorCodes.Unauthorized, detail);

    [LoggerMessage(6201, LogLevel.Warning, "Web PubSub event {EventType} for connection {ConnectionId} refused: missing or wrong ce-signature")]
    private static partial void SignatureRejected(ILogger logger, string eventType, string connectionId);

    [LoggerMessage(6202, LogLevel.Warning, "Web PubSub handshake refused for origin {Origin}")]
    private static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(6203, LogLevel.Information, "Web PubSub connection {ConnectionId} rejected with {Status}: {Reason}")]
    private static partial void ConnectRejected(ILogger logger, string connectionId, int status, string reason);

    [LoggerMessage(6204, LogLevel.Information, "Web PubSub connection {ConnectionId} attached to session {SessionId} (new session: {NewSession})")]
    private static partial void Opened(ILogger logger, string sessionId, string connectionId, bool newSession);

    [LoggerMessage(6205, LogLevel.Information, "Web PubSub connection {ConnectionId} left session {SessionId} ({Reason}); session ended: {EndSession}")]
    private static partial void Detached(ILogger logger, string sessionId, string connectionId, string reason, bool endSession);

    [LoggerMessage(6206, LogLevel.Information, "Web PubSub connection {ConnectionId} of session {SessionId} dropped with close {CloseCode}: {Reason}")]
    private static partial void ConnectionDropped(ILogger logger, string sessionId, string connectionId, int closeCode, string reason);

    [LoggerMessage(6207, LogLevel.Information, "Web PubSub connection {ConnectionId} greeted with new session {SessionId}")]
    private static partial void Greeted(ILogger logger, string sessionId, string connectionId);

    [LoggerMessage(6208, LogLevel.Warning, "No Web PubSub endpoint is configured ({Setting}): new sessions' greetings are not sent to Web PubSub clients, which get the session id in every ack instead")]
    private static partial void GreetingsOff(ILogger logger, string setting);
}
