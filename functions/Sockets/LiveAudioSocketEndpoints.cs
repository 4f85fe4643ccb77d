using System.IO;
using System.Net.WebSockets;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// The reference's WebSocket endpoints, served by the app itself: <c>/api/ws/audio</c> opens a new
/// session, <c>/api/ws/audio/{session_id}</c> streams into an existing one (a reconnect). One message
/// is handled at a time per connection, so acks come back in the order the chunks were sent. (In
/// Azure, WebSockets do not pass the Functions front end; clients go through Web PubSub, which drives
/// the same <see cref="LiveAudioProtocol"/>.)
/// </summary>
public static partial class LiveAudioSocketEndpoints
{
    public const string NewSessionPath = "/" + HttpTrigger.RoutePrefix + "/ws/audio";

    /// <summary>Largest text (control) message; control messages are a few dozen bytes.</summary>
    public const int MaxControlMessageBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapLiveAudioSockets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(NewSessionPath, (HttpContext context) => ServeAsync(context, null)).WithMetadata(JsonByDefault.Instance);
        endpoints.Map(NewSessionPath + "/{sessionId}", (HttpContext context, string sessionId) => ServeAsync(context, sessionId)).WithMetadata(JsonByDefault.Instance);
        return endpoints;
    }

    private static async Task ServeAsync(HttpContext context, string? sessionId)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            throw ServiceException.BadRequest(ErrorCodes.InvalidRequest,
                $"{context.Request.Path} is a WebSocket endpoint: connect with a WebSocket client (ws://).");

        var services = context.RequestServices;
        var protocol = services.GetRequiredService<LiveAudioProtocol>();
        var options = services.GetRequiredService<IOptions<LiveAudioOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LiveAudioSocketEndpoints));
        // Work on a message is finished even if the client leaves meanwhile (an ack may be lost, the
        // stored bytes are not); only the app stopping interrupts it.
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connectionId = Guid.NewGuid().ToString("N");
        LiveAudioOpened opened;
        try
        {
            Dictionary<string, string> query;
            try
            {
                query = LiveAudioParameters.Single(context.Request.Query);
            }
            catch (ServiceException e)
            {
                throw LiveAudioRejection.From(e);
            }
            opened = await protocol.OpenAsync(sessionId, query, connectionId, stopping);
        }
        catch (LiveAudioRejection rejection)
        {
            Rejected(logger, sessionId ?? "(new)", rejection.CloseCode, rejection.Reason);
            await CloseQuietlyAsync(socket, new LiveAudioClose(rejection.CloseCode, rejection.Reason));
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(logger, sessionId ?? "(new)", e);
            await CloseQuietlyAsync(socket, new LiveAudioClose(LiveAudioClose.InternalError, "internal error while opening the session"));
            return;
        }

        using var reader = new SocketMessageReader(socket, options.MaxMessageBytes, MaxControlMessageBytes, options.ConnectionTimeout);
        try
        {
            if (opened.Greeting is { } greeting)
                await socket.SendAsync(greeting, WebSocketMessageType.Text, endOfMessage: true, stopping);

            while (true)
            {
                if (await reader.ReadAsync(stopping) is { } close)
                {
                    if (close.Code != LiveAudioClose.Normal)
                        await SendQuietlyAsync(socket, LiveAudioMessages.Failure("Failed to process chunk", opened.SessionId, null,
                            close.Code == LiveAudioClose.MessageTooBig ? ErrorCodes.FrameTooLarge : ErrorCodes.ConnectionIdle, close.Reason));
                    await CloseQuietlyAsync(socket, close);
                    return;
                }
                if (reader.Type == WebSocketMessageType.Close)
                {
                    await CloseQuietlyAsync(socket, new LiveAudioClose(LiveAudioClose.Normal, ""));
                    return;
                }

                var reply = reader.Type == WebSocketMessageType.Binary
                    ? await protocol.ReceiveAudioAsync(opened.SessionId, connectionId, reader.Message, stopping)
                    : await protocol.ReceiveControlAsync(opened.SessionId, connectionId, System.Text.Encoding.UTF8.GetString(reader.Message.Span), stopping);
                await socket.SendAsync(reply.Json, WebSocketMessageType.Text, endOfMessage: true, stopping);
                if (reply.Close is { } closing)
                {
                    await CloseQuietlyAsync(socket, closing);
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away (or the app is stopping). The session stays: it can be rejoined until it expires.
            Dropped(logger, opened.SessionId, e.Message);
        }
        catch (Exception e)
        {
            Failed(logger, opened.SessionId, e);
            await CloseQuietlyAsync(socket, new LiveAudioClose(LiveAudioClose.InternalError, "internal error; the session is kept, reconnect to go on"));
        }
        finally
        {
            await protocol.DetachAsync(opened.SessionId, connectionId, endSession: false, CancellationToken.None);
        }
    }

    private static async Task SendQuietlyAsync(WebSocket socket, byte[] json)
    {
        try
        {
            await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, LiveAudioClose close)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.FramedReason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    [LoggerMessage(6001, LogLevel.Information, "WebSocket for session {SessionId} refused with {CloseCode}: {Reason}")]
    private static partial void Rejected(ILogger logger, string sessionId, int closeCode, string reason);

    [LoggerMessage(6002, LogLevel.Debug, "WebSocket of session {SessionId} dropped: {Reason}")]
    private static partial void Dropped(ILogger logger, string sessionId, string reason);

    [LoggerMessage(6003, LogLevel.Error, "WebSocket of session {SessionId} failed")]
    private static partial void Failed(ILogger logger, string sessionId, Exception exception);
}
