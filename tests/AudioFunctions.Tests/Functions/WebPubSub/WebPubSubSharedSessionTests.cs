using System.Net;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>A Web PubSub client and a client of the app's own WebSocket endpoint stream into the same sessions.</summary>
public sealed class WebPubSubSharedSessionTests(WebPubSubApp fixture) : IClassFixture<WebPubSubApp>
{
    private readonly WebPubSubUpstream _service = new(fixture.App.Client);

    private static string Ack(string sessionId, int chunkCount) =>
        $$"""{"message":"Chunk processed successfully","session_id":"{{sessionId}}","chunk_count":{{chunkCount}},"status":"active"}""";

    [Fact]
    public async Task ASessionOpenedOverWebPubSub_ContinuesOverTheWebSocket_WithTheSameAcks()
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();
        using var connect = await _service.ConnectAsync(connectionId, new Dictionary<string, string[]> { ["format"] = ["pcm_s16_le"], ["sample_rate"] = ["16000"] });
        var sessionId = WebPubSubConnectTests.SessionIdOf(connect);
        var state = Assert.Single(connect.Headers.GetValues("ce-connectionState"));
        using (var first = await _service.BinaryMessageAsync(connectionId, state, new byte[640]))
            Assert.Equal(Ack(sessionId, 1), await first.Content.ReadAsStringAsync());

        await using var socket = await LiveAudioClient.ConnectAsync(fixture.App, "/" + sessionId);
        var second = await socket.SendChunkAsync(new byte[640]);

        Assert.Equal(Ack(sessionId, 2), second.ToJsonString());
        using var third = await _service.BinaryMessageAsync(connectionId, state, new byte[640]);
        Assert.Equal(Ack(sessionId, 3), await third.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ASessionOpenedOverTheWebSocket_IsJoinedOverWebPubSub()
    {
        var (socket, sessionId) = await LiveAudioClient.OpenSessionAsync(fixture.App, "format=pcm_s16_le&sample_rate=16000");
        await using (socket)
        {
            Assert.Equal(Ack(sessionId, 1), (await socket.SendChunkAsync(new byte[640])).ToJsonString());

            var connectionId = WebPubSubUpstream.NewConnectionId();
            using var connect = await _service.ConnectAsync(connectionId, new Dictionary<string, string[]> { ["session_id"] = [sessionId] });
            Assert.Equal(HttpStatusCode.NoContent, connect.StatusCode);
            using var chunk = await _service.BinaryMessageAsync(connectionId, Assert.Single(connect.Headers.GetValues("ce-connectionState")), new byte[640]);

            Assert.Equal(Ack(sessionId, 2), await chunk.Content.ReadAsStringAsync());
        }
    }
}
