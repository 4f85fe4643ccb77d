using System.Net;
using System.Net.Http.Headers;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using static AudioFunctions.Tests.Functions.Streams.StreamTestBodies;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>
/// Status of unknown and live sessions (reference 000, Flow 1), and response negotiation: answers
/// and error bodies follow Accept, else the request body's format, else msgpack.
/// </summary>
public sealed class StatusAndNegotiationTests(StreamBadInputApp fixture) : StreamBadInputTestBase(fixture)
{
    private sealed record RawResponse(HttpStatusCode Status, string? ContentType, byte[] Body);

    private async Task<RawResponse> SendRawAsync(HttpMethod method, string path, byte[]? body, string? contentType, string? accept)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null)
            request.Headers.Accept.ParseAdd(accept);
        using var response = await App.Client.SendAsync(request);
        return new RawResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
    }

    // ================================================================ status

    [Theory]
    [InlineData("5a8c6a3e-0000-4000-8000-000000000002")]
    [InlineData("abc")]
    public async Task Status_Returns404SessionNotFound_WhenSessionIsUnknown(string id)
    {
        var response = await Client().StatusAsync(id);

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, id);
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task Status_HasExactlyTheContractKeys_WhileActive_AndAddsReasonOnceAborted(BodyFormat format)
    {
        var client = Client(format);
        var track = NewTrack();
        var sessionId = await client.StartSessionAsync(track);
        (await client.SendFrameAsync(sessionId, Pcm(1000))).AssertStatus(HttpStatusCode.OK);
        string[] contract = ["session_id", "track_id", "status", "buffered_seconds", "windows_completed", "age_seconds"];

        var active = await client.StatusAsync(sessionId);

        active.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(MediaTypes.ContentTypeOf(format), active.ContentType);
        Assert.Equal(contract.Order(StringComparer.Ordinal), active.Body!.AsMap().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(sessionId, active.String("session_id"));
        Assert.Equal(track, active.String("track_id"));
        Assert.Equal("active", active.String("status"));
        Assert.Equal(250.0 / 44100, active.Number("buffered_seconds"), 9);
        Assert.Equal(0, active.Integer("windows_completed"));
        Assert.InRange(active.Number("age_seconds"), 0, 120);

        (await client.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        var aborted = await client.StatusAsync(sessionId);

        aborted.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(contract.Append("reason").Order(StringComparer.Ordinal), aborted.Body!.AsMap().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("aborted", aborted.String("status"));
        Assert.Equal("aborted_by_client", aborted.String("reason"));
    }

    // ================================================================ response negotiation

    [Fact]
    public async Task Start_AnswersJson_WhenAcceptIsJson_AndBodyIsMsgPack()
    {
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, MsgPackCodec.Serialize(StartBody(NewTrack())), MediaTypes.MsgPack, MediaTypes.Json);

        Assert.Equal(HttpStatusCode.OK, raw.Status);
        Assert.Equal(MediaTypes.Json, raw.ContentType);
        var body = JsonCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("session_id", out var id));
        (await Client().AbortAsync(id.AsString())).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_AnswersMsgPack_WhenMsgPackRequestHasNoAccept()
    {
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, MsgPackCodec.Serialize(StartBody(NewTrack())), MediaTypes.MsgPack, accept: null);

        Assert.Equal(HttpStatusCode.OK, raw.Status);
        Assert.Equal(MediaTypes.MsgPack, raw.ContentType);
        var body = MsgPackCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("session_id", out var id));
        (await Client().AbortAsync(id.AsString())).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_AnswersJson_WhenJsonRequestHasNoAccept()
    {
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, JsonCodec.Serialize(StartBody(NewTrack())), MediaTypes.Json, accept: null);

        Assert.Equal(HttpStatusCode.OK, raw.Status);
        Assert.Equal(MediaTypes.Json, raw.ContentType);
        var body = JsonCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("session_id", out var id));
        (await Client().AbortAsync(id.AsString())).AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(MediaTypes.MsgPack, MediaTypes.Json, MediaTypes.Json)]
    [InlineData(MediaTypes.MsgPack, null, MediaTypes.MsgPack)]
    [InlineData(MediaTypes.Json, null, MediaTypes.Json)]
    [InlineData(MediaTypes.Json, MediaTypes.MsgPack, MediaTypes.MsgPack)]
    [InlineData("text/plain", null, MediaTypes.MsgPack)]
    [InlineData("text/plain", MediaTypes.Json, MediaTypes.Json)]
    public async Task Start_ErrorBody_FollowsTheSameNegotiation(string contentType, string? accept, string expected)
    {
        // [0xc1] is malformed msgpack and malformed JSON alike.
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, [0xc1], contentType, accept);

        Assert.Equal(expected, raw.ContentType);
        var body = expected == MediaTypes.Json ? JsonCodec.Parse(raw.Body) : MsgPackCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("error", out var error));
        Assert.True(body.TryGetProperty("detail", out _));
        var (status, code) = contentType == "text/plain"
            ? (HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType)
            : (HttpStatusCode.BadRequest, ErrorCodes.MalformedBody);
        Assert.Equal(status, raw.Status);
        Assert.Equal(code, error.AsString());
    }

    [Theory]
    [InlineData(MediaTypes.Json, MediaTypes.Json)]
    [InlineData(MediaTypes.MsgPack, MediaTypes.MsgPack)]
    [InlineData(null, MediaTypes.MsgPack)]
    public async Task Status_ErrorBody_FollowsAccept_AndDefaultsToMsgPack(string? accept, string expected)
    {
        var raw = await SendRawAsync(HttpMethod.Get, $"/api/v1/stream/{Guid.NewGuid():D}/status", body: null, contentType: null, accept);

        Assert.Equal(HttpStatusCode.NotFound, raw.Status);
        Assert.Equal(expected, raw.ContentType);
        var body = expected == MediaTypes.Json ? JsonCodec.Parse(raw.Body) : MsgPackCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("error", out var error));
        Assert.Equal(ErrorCodes.SessionNotFound, error.AsString());
    }

    [Fact]
    public async Task Frames_AnswerFollowsAccept_NotTheOctetStreamBody()
    {
        var sessionId = await StartSessionAsync(App);

        var json = await SendRawAsync(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames", Pcm(400), MediaTypes.OctetStream, MediaTypes.Json);
        var msgpack = await SendRawAsync(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames", Pcm(400), MediaTypes.OctetStream, accept: null);

        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal(MediaTypes.Json, json.ContentType);
        Assert.True(JsonCodec.Parse(json.Body).TryGetProperty("buffered_seconds", out _));
        Assert.Equal(HttpStatusCode.OK, msgpack.Status);
        Assert.Equal(MediaTypes.MsgPack, msgpack.ContentType);
        Assert.True(MsgPackCodec.Parse(msgpack.Body).TryGetProperty("buffered_seconds", out _));
    }
}
