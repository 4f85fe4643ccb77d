using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>A WebSocket client of the live audio endpoints, speaking to an app on loopback.</summary>
public sealed class LiveAudioClient : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(60);

    private readonly ClientWebSocket _socket = new();

    private LiveAudioClient()
    {
    }

    public WebSocket Socket => _socket;

    /// <summary>Connects to <c>/api/ws/audio{suffix}</c> (suffix: <c>?query</c> or <c>/{id}?query</c>).</summary>
    public static async Task<LiveAudioClient> ConnectAsync(AppInstance app, string suffix = "")
    {
        var client = new LiveAudioClient();
        var uri = new Uri($"ws://{app.BaseAddress.Authority}/api/ws/audio{suffix}");
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        return client;
    }

    /// <summary>Opens a new session and reads the greeting; returns the client and the new session id.</summary>
    public static async Task<(LiveAudioClient Client, string SessionId)> OpenSessionAsync(AppInstance app, string query)
    {
        var client = await ConnectAsync(app, "?" + query);
        var greeting = await client.ReceiveJsonAsync();
        Assert.Equal(0, (long)greeting["chunk_count"]!);
        Assert.Equal("active", (string)greeting["status"]!);
        return (client, (string)greeting["session_id"]!);
    }

    public Task SendAudioAsync(ReadOnlyMemory<byte> chunk) =>
        _socket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).AsTask();

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>Sends a chunk and returns the server's answer to it.</summary>
    public async Task<JsonObject> SendChunkAsync(ReadOnlyMemory<byte> chunk)
    {
        await SendAudioAsync(chunk);
        return await ReceiveJsonAsync();
    }

    public async Task<JsonObject> CloseSessionAsync()
    {
        await SendTextAsync("""{"type":"control","action":"close_session"}""");
        return await ReceiveJsonAsync();
    }

    /// <summary>The next message, which must be JSON text.</summary>
    public async Task<JsonObject> ReceiveJsonAsync()
    {
        var (type, payload) = await ReceiveAsync();
        Assert.True(type == WebSocketMessageType.Text,
            $"expected a text message but got {type} ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
        return JsonNode.Parse(payload)!.AsObject();
    }

    /// <summary>Reads until the server closes; returns its close code and reason.</summary>
    public async Task<(int Code, string Reason)> ReceiveCloseAsync()
    {
        while (true)
        {
            var (type, _) = await ReceiveAsync();
            if (type == WebSocketMessageType.Close)
                return ((int)_socket.CloseStatus!.Value, _socket.CloseStatusDescription ?? "");
        }
    }

    public async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return (result.MessageType, []);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
                return (result.MessageType, message.ToArray());
        }
    }

    /// <summary>Drops the connection without a close handshake, as a lost network would.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        _socket.Dispose();
    }
}
