using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// Plays the Azure Web PubSub service against the app: its upstream requests as
/// reference-cloud-events shows them (CloudEvents binary mode, every <c>ce-</c> header), signed
/// with HMAC-SHA256 of the connection id under each access key, computed here independently of
/// the app's code.
/// </summary>
public sealed class WebPubSubUpstream(HttpClient http, string hub = WebPubSubUpstream.Hub)
{
    public const string Hub = "audio";
    public const string Origin = "test.webpubsub.azure.com";
    public const string PrimaryKey = "primary-access-key-0123456789abcdef";
    public const string SecondaryKey = "secondary-access-key-fedcba9876543210";

    public string Path => $"/api/webpubsub/{hub}";

    private int _eventId;

    public static string NewConnectionId() => Guid.NewGuid().ToString("N");

    /// <summary><c>sha256=&lt;lowercase hex&gt;</c> of the connection id under each key, comma-joined in key order.</summary>
    public static string Sign(string connectionId, params string[] keys) =>
        string.Join(",", keys.Select(key =>
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(connectionId)))));

    public async Task<HttpResponseMessage> HandshakeAsync(string? origin = Origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, Path);
        if (origin is not null)
            request.Headers.TryAddWithoutValidation("WebHook-Request-Origin", origin);
        return await http.SendAsync(request);
    }

    /// <summary>The <c>connect</c> event for a client whose connect URL carried <paramref name="query"/>.</summary>
    public Task<HttpResponseMessage> ConnectAsync(string connectionId, IReadOnlyDictionary<string, string[]> query, string? userId = null, string? signature = "") =>
        SendEventAsync("azure.webpubsub.sys.connect", "connect", connectionId, ConnectBody(query), "application/json; charset=utf-8", userId, state: null, signature);

    public Task<HttpResponseMessage> ConnectedAsync(string connectionId, string? state) =>
        SendEventAsync("azure.webpubsub.sys.connected", "connected", connectionId, "{}"u8.ToArray(), "application/json; charset=utf-8", null, state);

    public Task<HttpResponseMessage> DisconnectedAsync(string connectionId, string? state, string reason = "Client closed the connection.") =>
        SendEventAsync("azure.webpubsub.sys.disconnected", "disconnected", connectionId,
            Encoding.UTF8.GetBytes($$"""{"reason":"{{reason}}"}"""), "application/json; charset=utf-8", null, state);

    /// <summary>A binary frame from a simple WebSocket client.</summary>
    public Task<HttpResponseMessage> BinaryMessageAsync(string connectionId, string? state, byte[] frame, string? signature = "") =>
        SendEventAsync("azure.webpubsub.user.message", "message", connectionId, frame, "application/octet-stream", null, state, signature);

    /// <summary>A text frame from a simple WebSocket client.</summary>
    public Task<HttpResponseMessage> TextMessageAsync(string connectionId, string? state, string text) =>
        SendEventAsync("azure.webpubsub.user.message", "message", connectionId, Encoding.UTF8.GetBytes(text), "text/plain", null, state);

    /// <summary>
    /// One event as the service posts it. <paramref name="signature"/> is the <c>ce-signature</c>
    /// value: "" signs with both keys as the service does, null leaves the header out.
    /// </summary>
    public async Task<HttpResponseMessage> SendEventAsync(
        string type, string eventName, string connectionId, byte[] body, string contentType, string? userId, string? state, string? signature = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path);
        var headers = request.Headers;
        headers.TryAddWithoutValidation("WebHook-Request-Origin", Origin);
        headers.TryAddWithoutValidation("ce-specversion", "1.0");
        headers.TryAddWithoutValidation("ce-type", type);
        headers.TryAddWithoutValidation("ce-source", $"/hubs/{hub}/client/{connectionId}");
        headers.TryAddWithoutValidation("ce-id", Interlocked.Increment(ref _eventId).ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation("ce-time", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        if (signature is not null)
            headers.TryAddWithoutValidation("ce-signature", signature.Length == 0 ? Sign(connectionId, PrimaryKey, SecondaryKey) : signature);
        if (userId is not null)
            headers.TryAddWithoutValidation("ce-userId", userId);
        headers.TryAddWithoutValidation("ce-connectionId", connectionId);
        headers.TryAddWithoutValidation("ce-hub", hub);
        headers.TryAddWithoutValidation("ce-eventName", eventName);
        if (state is not null)
            headers.TryAddWithoutValidation("ce-connectionState", state);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await http.SendAsync(request);
    }

    /// <summary><c>{"claims","query","headers","subprotocols","clientCertificates"}</c>, query values as arrays.</summary>
    private static byte[] ConnectBody(IReadOnlyDictionary<string, string[]> query)
    {
        var body = new JsonObject
        {
            ["claims"] = new JsonObject(),
            ["query"] = new JsonObject(query.Select(q => KeyValuePair.Create(
                q.Key, (JsonNode?)new JsonArray([.. q.Value.Select(v => JsonValue.Create(v))])))),
            ["headers"] = new JsonObject { ["User-Agent"] = new JsonArray("test-client") },
            ["subprotocols"] = new JsonArray(),
            ["clientCertificates"] = new JsonArray(),
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }
}
