using System.Net;
using System.Net.Http.Headers;
using AudioFunctions.Functions.Http;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>A client of the stream API that speaks msgpack or JSON, as reference 000's client does.</summary>
public sealed class StreamApiClient(HttpClient http, BodyFormat format = BodyFormat.MsgPack)
{
    public HttpClient Http => http;

    public static WireValue Metadata(string name, string artist, string album = "Album", string genre = "Rock") => WireValue.Map(
        ("name", WireValue.String(name)),
        ("artists", WireValue.Array([WireValue.String(artist)])),
        ("album", WireValue.String(album)),
        ("genres", WireValue.Array([WireValue.String(genre)])));

    public Task<ApiResponse> StartAsync(string trackId, string pcmFormat = "pcm_s16_le", int sampleRate = 44100, int channels = 2, WireValue? metadata = null) =>
        PostAsync("/api/v1/stream/start", WireValue.Map(
            ("track_id", WireValue.String(trackId)),
            ("metadata", metadata ?? Metadata("Song " + trackId, "Artist")),
            ("format", WireValue.String(pcmFormat)),
            ("sample_rate", WireValue.Integer(sampleRate)),
            ("channels", WireValue.Integer(channels))));

    /// <summary>Starts a session and returns its id, failing the test on anything but 200.</summary>
    public async Task<string> StartSessionAsync(string trackId, string pcmFormat = "pcm_s16_le", int sampleRate = 44100, int channels = 2)
    {
        var response = await StartAsync(trackId, pcmFormat, sampleRate, channels);
        response.AssertStatus(HttpStatusCode.OK);
        return response.String("session_id");
    }

    public async Task<ApiResponse> SendFrameAsync(string sessionId, ReadOnlyMemory<byte> frame, long? seq = null)
    {
        using var content = new ByteArrayContent(frame.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
        var path = $"/api/v1/stream/{sessionId}/frames" + (seq is { } s ? $"?seq={s}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Accept.ParseAdd(MediaTypes.ContentTypeOf(format));
        return await SendAsync(request);
    }

    public Task<ApiResponse> EndAsync(string sessionId, bool store = true, double minDurationSeconds = 3.0) =>
        PostAsync($"/api/v1/stream/{sessionId}/end", WireValue.Map(
            ("store", WireValue.Boolean(store)),
            ("min_duration_s", WireValue.Float(minDurationSeconds))));

    public Task<ApiResponse> StatusAsync(string sessionId) => SendAsync(HttpMethod.Get, $"/api/v1/stream/{sessionId}/status");

    public Task<ApiResponse> AbortAsync(string sessionId) => SendAsync(HttpMethod.Delete, $"/api/v1/stream/{sessionId}");

    public async Task<ApiResponse> PostAsync(string path, WireValue body)
    {
        var bytes = format == BodyFormat.Json ? JsonCodec.Serialize(body) : MsgPackCodec.Serialize(body);
        return await PostRawAsync(path, bytes, MediaTypes.ContentTypeOf(format));
    }

    public async Task<ApiResponse> PostRawAsync(string path, byte[] body, string? contentType)
    {
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await SendAsync(request);
    }

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.ParseAdd(MediaTypes.ContentTypeOf(format));
        return await SendAsync(request);
    }

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var contentType = response.Content.Headers.ContentType?.MediaType;
        WireValue? body = bytes.Length == 0 ? null
            : MediaTypes.FormatOf(contentType) switch
            {
                BodyFormat.Json => JsonCodec.Parse(bytes),
                BodyFormat.MsgPack => MsgPackCodec.Parse(bytes),
                _ => null,
            };
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ApiResponse(response.StatusCode, contentType, body, headers);
    }
}
