using System.Net;
using System.Text;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// The <c>connect</c> event: the client's connect query opens or joins a session like the WebSocket
/// API's URL; a rejection is a 4xx whose body the service hands to the client.
/// </summary>
public sealed class WebPubSubConnectTests(WebPubSubApp fixture) : IClassFixture<WebPubSubApp>
{
    private readonly WebPubSubUpstream _service = new(fixture.App.Client);
    private readonly StreamApiClient _api = new(fixture.App.Client, BodyFormat.Json);

    private static Dictionary<string, string[]> Query(params (string Key, string Value)[] parameters) =>
        parameters.ToDictionary(p => p.Key, p => new[] { p.Value });

    /// <summary>The session id a connect reply stored in the connection state.</summary>
    internal static string SessionIdOf(HttpResponseMessage reply)
    {
        var state = Assert.Single(reply.Headers.GetValues("ce-connectionState"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String(state))!;
        return json["sessionId"]!.GetValue<string>();
    }

    [Fact]
    public async Task Connect_CreatesASession_WithTheQueryParameters_AndConfirmsTheUser()
    {
        using var reply = await _service.ConnectAsync(
            WebPubSubUpstream.NewConnectionId(),
            new Dictionary<string, string[]>
            {
                ["sample_rate"] = ["48000", "8000"],
                ["channels"] = ["2"],
                ["format"] = ["pcm_s16_le"],
                ["user_id"] = ["user123"],
                ["track_id"] = ["wps-" + Guid.NewGuid().ToString("N")],
                ["name"] = ["Live Take"],
            },
            userId: "user123");

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal("application/json", reply.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"userId":"user123"}""", await reply.Content.ReadAsStringAsync());
        var sessionId = SessionIdOf(reply);
        Assert.True(Guid.TryParseExact(sessionId, "D", out _), sessionId);

        var status = (await _api.StatusAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(sessionId, status.String("session_id"));
        Assert.Equal("active", status.String("status"));
    }

    [Fact]
    public async Task Connect_OfAnAnonymousClient_Answers204_WithTheState()
    {
        using var reply = await _service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), Query(("sample_rate", "16000")));

        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        Assert.Empty(await reply.Content.ReadAsByteArrayAsync());
        (await _api.StatusAsync(SessionIdOf(reply))).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Connect_WithSessionId_JoinsThatSession()
    {
        using var first = await _service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), Query(("format", "pcm_s16_le")));
        var sessionId = SessionIdOf(first);

        using var second = await _service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), Query(("session_id", sessionId)));

        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(sessionId, SessionIdOf(second));
    }

    public static TheoryData<string, string, HttpStatusCode, string> Rejections => new()
    {
        { "sample_rate", "12345", HttpStatusCode.BadRequest,
            """{"error":"invalid_sample_rate","detail":"Invalid sample_rate '12345'; valid values: 8000, 16000, 22050, 44100, 48000, 96000."}""" },
        { "channels", "3", HttpStatusCode.BadRequest,
            """{"error":"invalid_channels","detail":"Invalid channels '3'; valid values: 1, 2."}""" },
        { "format", "ogg", HttpStatusCode.BadRequest,
            """{"error":"unsupported_format","detail":"Invalid format 'ogg'; valid values: wav, mp3, flac, aac, pcm_s16_le, pcm_s24_le, pcm_f32_le."}""" },
        { "session_id", "not-a-uuid", HttpStatusCode.BadRequest,
            """{"error":"invalid_session_id","detail":"Invalid session id 'not-a-uuid': session ids are UUIDs."}""" },
        { "session_id", "", HttpStatusCode.BadRequest,
            """{"error":"invalid_session_id","detail":"Invalid session id '': session ids are UUIDs."}""" },
        { "session_id", "00000000-0000-4000-8000-000000000000", HttpStatusCode.NotFound,
            """{"error":"session_not_found","detail":"No session '00000000-0000-4000-8000-000000000000' exists."}""" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Connect_WithBadParameters_IsRejected_WithTheStatusAndReason(string parameter, string value, HttpStatusCode status, string body)
    {
        using var reply = await _service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), Query((parameter, value)));

        Assert.Equal(status, reply.StatusCode);
        Assert.Equal("application/json", reply.Content.Headers.ContentType?.MediaType);
        Assert.False(reply.Headers.Contains("ce-connectionState"));
        Assert.Equal(body, await reply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Connect_ToAClosedSession_IsRejected_With409()
    {
        using var first = await _service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), Query(("format", "pcm_s16_le")));
        var sessionId = SessionIdOf(first);
        (await _api.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        using var reply = await _service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), Query(("session_id", sessionId)));

        Assert.Equal(HttpStatusCode.Conflict, reply.StatusCode);
        Assert.Equal($$"""{"error":"session_aborted","detail":"Session {{sessionId}} was aborted."}""", await reply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Connect_WithAMalformedBody_Answers400()
    {
        using var reply = await _service.SendEventAsync("azure.webpubsub.sys.connect", "connect", WebPubSubUpstream.NewConnectionId(),
            Encoding.UTF8.GetBytes("""{"query":{"sample_rate":[48000]}}"""), "application/json", null, null);

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal(
            """{"error":"malformed_body","detail":"Malformed connect event: query parameter \"sample_rate\" holds a Number, not a string."}""",
            await reply.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("missing")]
    [InlineData("other-connection")]
    public async Task Connect_WithABadOrMissingSignature_Answers401_AndOpensNoSession(string kind)
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();
        var signature = kind switch
        {
            "wrong" => WebPubSubUpstream.Sign(connectionId, "not-the-key"),
            "other-connection" => WebPubSubUpstream.Sign(WebPubSubUpstream.NewConnectionId(), WebPubSubUpstream.PrimaryKey, WebPubSubUpstream.SecondaryKey),
            _ => null,
        };
        var trackId = "unsigned-" + Guid.NewGuid().ToString("N");

        using var reply = await _service.ConnectAsync(connectionId, Query(("track_id", trackId), ("format", "pcm_s16_le")), signature: signature);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
        Assert.False(reply.Headers.Contains("ce-connectionState"));
        Assert.Equal(
            """{"error":"unauthorized","detail":"The ce-signature header is missing or does not verify with this app's access keys."}""",
            await reply.Content.ReadAsStringAsync());
        // No session holds the track: a properly signed connect may take it.
        using var signed = await _service.ConnectAsync(connectionId, Query(("track_id", trackId), ("format", "pcm_s16_le")));
        Assert.Equal(HttpStatusCode.NoContent, signed.StatusCode);
    }

    [Fact]
    public async Task Connect_SignedWithTheSecondaryKeyOnly_IsAccepted()
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();

        using var reply = await _service.ConnectAsync(connectionId, Query(("format", "pcm_s16_le")),
            signature: WebPubSubUpstream.Sign(connectionId, WebPubSubUpstream.SecondaryKey));

        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        (await _api.StatusAsync(SessionIdOf(reply))).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnEventOfAnotherType_IsRefused_With400()
    {
        using var reply = await _service.SendEventAsync("azure.webpubsub.user.chat", "chat", WebPubSubUpstream.NewConnectionId(),
            "hi"u8.ToArray(), "text/plain", null, null);

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal(
            """{"error":"invalid_request","detail":"Event 'azure.webpubsub.user.chat' is not handled here: connect as a plain WebSocket client (no subprotocol) and send audio as binary frames, control messages as text."}""",
            await reply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Connected_Answers204()
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();
        using var connect = await _service.ConnectAsync(connectionId, Query(("format", "pcm_s16_le")));

        using var reply = await _service.ConnectedAsync(connectionId, Assert.Single(connect.Headers.GetValues("ce-connectionState")));

        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        Assert.Empty(await reply.Content.ReadAsByteArrayAsync());
    }
}
