using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AudioFunctions.Functions.Sockets;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Benchmarks;

/// <summary>The two clients the benchmark drives: a live WebSocket session and an HTTP stream session.</summary>
public static partial class LiveIngestBenchmark
{
    /// <summary>One session as the benchmark drives it, whichever transport carries it.</summary>
    private interface ILiveSender : IAsyncDisposable
    {
        string SessionId { get; }

        bool CanSend { get; }

        /// <summary>Sends one chunk and waits for its answer: null for the expected ack, else what came instead.</summary>
        Task<string?> SendAsync(byte[] chunk);

        /// <summary>Ends the session: no problem when the app accepted the end, else its answer and whether it asked for a retry.</summary>
        Task<(string? Problem, bool Busy)> CloseAsync();

        /// <summary>Stops sending into a session whose connection failed.</summary>
        void Abandon();
    }

    private sealed class WebSocketRefusedException(int closeCode, string reason)
        : InvalidOperationException($"connection refused with {closeCode}: {reason}")
    {
        public int CloseCode => closeCode;
    }

    /// <summary>A live session: chunks as binary messages, acks as JSON text, one message at a time.</summary>
    private sealed class WebSocketSender : ILiveSender
    {
        private readonly ClientWebSocket _socket;
        private readonly byte[] _receiveBuffer = new byte[16 * 1024];
        private long _acknowledged;
        private bool _abandoned;

        private WebSocketSender(ClientWebSocket socket, string sessionId)
        {
            _socket = socket;
            SessionId = sessionId;
        }

        public string SessionId { get; }

        public bool CanSend => !_abandoned && _socket.State == WebSocketState.Open;

        public static async Task<WebSocketSender> OpenAsync(AppInstance app, string trackId)
        {
            var socket = new ClientWebSocket();
            try
            {
                var uri = new Uri($"ws://{app.BaseAddress.Authority}{LiveAudioSocketEndpoints.NewSessionPath}" +
                                  $"?sample_rate={SampleRateHz}&channels=2&format=pcm_s16_le&track_id={trackId}");
                await socket.ConnectAsync(uri, CancellationToken.None);
                var greeting = await ReceiveTextAsync(socket, new byte[16 * 1024]);
                if (greeting is null)
                    throw new WebSocketRefusedException((int)(socket.CloseStatus ?? 0), socket.CloseStatusDescription ?? "");
                using var json = JsonDocument.Parse(greeting);
                if (!json.RootElement.TryGetProperty("session_id", out var id) || json.RootElement.GetProperty("chunk_count").GetInt64() != 0)
                    throw new InvalidOperationException("unexpected greeting " + greeting);
                return new WebSocketSender(socket, id.GetString()!);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public async Task<string?> SendAsync(byte[] chunk)
        {
            await _socket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            var reply = await ReceiveTextAsync(_socket, _receiveBuffer);
            if (reply is null)
                return $"connection closed by the app: {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}";
            using var json = JsonDocument.Parse(reply);
            var root = json.RootElement;
            if (root.TryGetProperty("status", out var status) && status.GetString() == "active"
                && root.TryGetProperty("message", out var message) && message.GetString() == LiveAudioMessages.ChunkProcessed
                && root.TryGetProperty("chunk_count", out var count) && count.GetInt64() == _acknowledged + 1)
            {
                _acknowledged++;
                return null;
            }
            return reply;
        }

        public async Task<(string? Problem, bool Busy)> CloseAsync()
        {
            if (!CanSend)
                return ("the connection had already failed", false);
            await _socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"control","action":"{{LiveAudioProtocol.CloseSessionAction}}"}"""),
                WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            var reply = await ReceiveTextAsync(_socket, _receiveBuffer);
            if (reply is null)
                return ($"connection closed without an answer: {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}", false);
            if (JsonField(reply, "status") is "completed" or "closing")
                return (null, false);
            // A failure that may pass keeps the connection open for the client to ask again.
            return (reply, _socket.State == WebSocketState.Open);
        }

        public void Abandon() => _abandoned = true;

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The app closes after answering close_session; a connection already gone is what we wanted.
            }
            _socket.Dispose();
        }

        /// <summary>The next text message, or null when the app closed the connection instead.</summary>
        private static async Task<string?> ReceiveTextAsync(ClientWebSocket socket, byte[] buffer)
        {
            using var timeout = new CancellationTokenSource(AckTimeout);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                    throw new InvalidOperationException($"a reply longer than {buffer.Length} bytes");
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    return null;
                length += result.Count;
                if (result.EndOfMessage)
                    return result.MessageType == WebSocketMessageType.Text
                        ? Encoding.UTF8.GetString(buffer, 0, length)
                        : throw new InvalidOperationException("a binary reply");
            }
        }
    }

    /// <summary>An HTTP stream session: one <c>frames</c> request per chunk, numbered by <c>seq</c>.</summary>
    private sealed class HttpFrameSender(HttpClient http, string sessionId) : ILiveSender
    {
        private long _seq;
        private bool _abandoned;

        public string SessionId => sessionId;

        public bool CanSend => !_abandoned;

        public async Task<string?> SendAsync(byte[] chunk)
        {
            using var content = new ByteArrayContent(chunk);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames?seq={_seq}") { Content = content };
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                return $"{(int)response.StatusCode} {body}"; // the same seq is sent again: a retry
            if (response.Headers.Contains("X-Duplicate-Seq") || JsonField(body, "next_seq") != (_seq + 1).ToString(CultureInfo.InvariantCulture))
            {
                _seq = long.Parse(JsonField(body, "next_seq") ?? "0", CultureInfo.InvariantCulture);
                return "unexpected ack " + body;
            }
            _seq++;
            return null;
        }

        public async Task<(string? Problem, bool Busy)> CloseAsync()
        {
            using var content = new StringContent("""{"store":true}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"/api/v1/stream/{sessionId}/end", content);
            return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted
                ? (null, false)
                : ($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}", response.StatusCode == HttpStatusCode.ServiceUnavailable);
        }

        public void Abandon() => _abandoned = true;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
