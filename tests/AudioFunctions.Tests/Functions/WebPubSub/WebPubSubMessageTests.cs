using System.Net;
using System.Text.Json.Nodes;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// <c>message</c> events of a simple WebSocket client: binary frames are audio, text frames
/// control messages; the 200 body is what the client receives, a non-2xx drops the connection.
/// </summary>
public sealed class WebPubSubMessageTests(WebPubSubApp fixture) : IClassFixture<WebPubSubApp>
{
    /// <summary>16-bit mono at 16 kHz: 4,096 bytes are 0.128 s.</summary>
    private const int SampleRateHz = 16000;

    private readonly WebPubSubUpstream _service = new(fixture.App.Client);
    private readonly StreamApiClient _api = new(fixture.App.Client, BodyFormat.Json);

    private sealed record Connection(string ConnectionId, string State, string SessionId);

    private async Task<Connection> ConnectAsync()
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();
        using var reply = await _service.ConnectAsync(connectionId, new Dictionary<string, string[]>
        {
            ["format"] = ["pcm_s16_le"],
            ["sample_rate"] = [SampleRateHz.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["channels"] = ["1"],
        });
        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        return new Connection(connectionId, Assert.Single(reply.Headers.GetValues("ce-connectionState")), WebPubSubConnectTests.SessionIdOf(reply));
    }

    private static byte[] Audio(int bytes) => [.. Enumerable.Range(0, bytes).Select(i => (byte)(i * 7))];

    private async Task<double> BufferedSecondsAsync(string sessionId) =>
        (await _api.StatusAsync(sessionId)).AssertStatus(HttpStatusCode.OK).Number("buffered_seconds");

    private static string Ack(string sessionId, int chunkCount) =>
        $$"""{"message":"Chunk processed successfully","session_id":"{{sessionId}}","chunk_count":{{chunkCount}},"status":"active"}""";

    [Fact]
    public async Task BinaryMessage_StoresTheAudio_AndRepliesTheAck_AsATextFrame()
    {
        var connection = await ConnectAsync();

        using var first = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(4096));
        using var second = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(4096));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", first.Content.Headers.ContentType?.ToString());
        Assert.False(first.Headers.Contains("ce-connectionState"));
        Assert.Equal(Ack(connection.SessionId, 1), await first.Content.ReadAsStringAsync());
        Assert.Equal(Ack(connection.SessionId, 2), await second.Content.ReadAsStringAsync());
        Assert.Equal(2 * 4096 / 2.0 / SampleRateHz, await BufferedSecondsAsync(connection.SessionId), 6);
    }

    [Fact]
    public async Task BinaryMessage_SignedWithTheSecondaryKeyOnly_IsAccepted()
    {
        var connection = await ConnectAsync();

        using var reply = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(3200),
            signature: WebPubSubUpstream.Sign(connection.ConnectionId, WebPubSubUpstream.SecondaryKey));

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(Ack(connection.SessionId, 1), await reply.Content.ReadAsStringAsync());
        Assert.Equal(0.1, await BufferedSecondsAsync(connection.SessionId), 6);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("missing")]
    [InlineData("all-zero-mac")]
    public async Task BinaryMessage_WithABadOrMissingSignature_Answers401_AndStoresNothing(string kind)
    {
        var connection = await ConnectAsync();
        var signature = kind switch
        {
            "wrong-key" => WebPubSubUpstream.Sign(connection.ConnectionId, "guessed-key"),
            "all-zero-mac" => "SHA256=" + new string('0', 64),
            _ => null,
        };

        using var reply = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(4096), signature);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
        Assert.Equal("application/json", reply.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            """{"error":"unauthorized","detail":"The ce-signature header is missing or does not verify with this app's access keys."}""",
            await reply.Content.ReadAsStringAsync());
        Assert.Equal(0, await BufferedSecondsAsync(connection.SessionId));
    }

    [Fact]
    public async Task BinaryMessage_LargerThan1MB_Answers413_AndStoresNothing()
    {
        var connection = await ConnectAsync();

        using var reply = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(1024 * 1024 + 2));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.StatusCode);
        Assert.Equal("""{"error":"frame_too_large","detail":"The body may be at most 1048576 bytes."}""", await reply.Content.ReadAsStringAsync());
        Assert.Equal(0, await BufferedSecondsAsync(connection.SessionId));
    }

    [Fact]
    public async Task BinaryMessage_OfExactly1MB_IsStored()
    {
        var connection = await ConnectAsync();

        using var reply = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(1024 * 1024));

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(Ack(connection.SessionId, 1), await reply.Content.ReadAsStringAsync());
        Assert.Equal(1024 * 1024 / 2.0 / SampleRateHz, await BufferedSecondsAsync(connection.SessionId), 6);
    }

    [Fact]
    public async Task Message_WithoutTheConnectionState_Answers400_DroppingTheConnection()
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();

        using var reply = await _service.BinaryMessageAsync(connectionId, state: null, Audio(100));

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal(
            """{"error":"invalid_request","detail":"This connection carries no session in ce-connectionState: its connect was not accepted by this app."}""",
            await reply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TextMessage_CloseSession_EndsTheSession_AndDeliversTheFinalReply()
    {
        var connection = await ConnectAsync();
        using (var audio = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(6400)))
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);

        using var reply = await _service.TextMessageAsync(connection.ConnectionId, connection.State, """{"type":"control","action":"close_session"}""");

        // A 2xx reply is what Web PubSub forwards to the client: the final information reaches it.
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal("text/plain", reply.Content.Headers.ContentType?.MediaType);
        var final = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
        Assert.Equal("Session closed", final["message"]!.GetValue<string>());
        Assert.Equal(connection.SessionId, final["session_id"]!.GetValue<string>());
        Assert.Equal(1, final["chunk_count"]!.GetValue<long>());
        Assert.Equal(6400, final["session_info"]!["total_bytes"]!.GetValue<long>());
        var status = (await _api.StatusAsync(connection.SessionId)).AssertStatus(HttpStatusCode.OK).String("status");
        Assert.NotEqual("active", status);

        // Audio sent to the closed session afterwards is refused, and that drops the connection too.
        using var late = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(100));
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal("session_ended", JsonNode.Parse(await late.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json at all", "The text message is not JSON")]
    [InlineData("""{"type":"control","action":"rewind"}""", "Unknown control action 'rewind'; supported: close_session.")]
    [InlineData("""{"action":"close_session"}""", "A control message is a JSON object with \"type\": \"control\" and an \"action\".")]
    public async Task TextMessage_Garbage_RepliesAnError_AndKeepsTheSessionAndConnection(string text, string detail)
    {
        var connection = await ConnectAsync();

        using var reply = await _service.TextMessageAsync(connection.ConnectionId, connection.State, text);

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", reply.Content.Headers.ContentType?.ToString());
        var body = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!;
        Assert.Equal("Invalid control message", body["message"]!.GetValue<string>());
        Assert.Equal(connection.SessionId, body["session_id"]!.GetValue<string>());
        Assert.Equal("error", body["status"]!.GetValue<string>());
        Assert.Equal("invalid_control_message", body["error"]!.GetValue<string>());
        Assert.StartsWith(detail, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("active", (await _api.StatusAsync(connection.SessionId)).String("status"));

        using var audio = await _service.BinaryMessageAsync(connection.ConnectionId, connection.State, Audio(320));
        Assert.Equal(Ack(connection.SessionId, 1), await audio.Content.ReadAsStringAsync());
    }
}
