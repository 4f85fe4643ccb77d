using System.Net;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// The <c>disconnected</c> event: by default the session outlives its connection (to be rejoined
/// or to expire, as with the WebSocket API); <c>END_SESSION_ON_DISCONNECT</c> ends it instead.
/// </summary>
public sealed class WebPubSubDisconnectTests
{
    private static async Task<(string ConnectionId, string State, string SessionId)> ConnectAndSendAsync(WebPubSubUpstream service)
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();
        using var connect = await service.ConnectAsync(connectionId, new Dictionary<string, string[]> { ["format"] = ["pcm_s16_le"], ["sample_rate"] = ["16000"] });
        Assert.Equal(HttpStatusCode.NoContent, connect.StatusCode);
        var state = Assert.Single(connect.Headers.GetValues("ce-connectionState"));
        using var audio = await service.BinaryMessageAsync(connectionId, state, new byte[3200]);
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        return (connectionId, state, WebPubSubConnectTests.SessionIdOf(connect));
    }

    [Fact]
    public async Task Disconnected_LeavesTheSessionActive_AndRejoinable_ByDefault()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), WebPubSubApp.HandlerSettings());
        var service = new WebPubSubUpstream(app.Client);
        var api = new StreamApiClient(app.Client, BodyFormat.Json);
        var (connectionId, state, sessionId) = await ConnectAndSendAsync(service);

        using var reply = await service.DisconnectedAsync(connectionId, state);

        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        Assert.Empty(await reply.Content.ReadAsByteArrayAsync());
        Assert.Equal("active", (await api.StatusAsync(sessionId)).AssertStatus(HttpStatusCode.OK).String("status"));
        using var rejoin = await service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), new Dictionary<string, string[]> { ["session_id"] = [sessionId] });
        Assert.Equal(HttpStatusCode.NoContent, rejoin.StatusCode);
        Assert.Equal(sessionId, WebPubSubConnectTests.SessionIdOf(rejoin));
    }

    [Fact]
    public async Task Disconnected_EndsTheSession_WhenEndSessionOnDisconnectIsSet()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), WebPubSubApp.HandlerSettings(endSessionOnDisconnect: true));
        var service = new WebPubSubUpstream(app.Client);
        var api = new StreamApiClient(app.Client, BodyFormat.Json);
        var (connectionId, state, sessionId) = await ConnectAndSendAsync(service);

        using var reply = await service.DisconnectedAsync(connectionId, state);

        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        Assert.NotEqual("active", (await api.StatusAsync(sessionId)).AssertStatus(HttpStatusCode.OK).String("status"));
        using var rejoin = await service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), new Dictionary<string, string[]> { ["session_id"] = [sessionId] });
        Assert.Equal(HttpStatusCode.Conflict, rejoin.StatusCode);
    }

    [Fact]
    public async Task Disconnected_OfAConnectionWithoutSession_Answers204()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), WebPubSubApp.HandlerSettings(endSessionOnDisconnect: true));
        var service = new WebPubSubUpstream(app.Client);

        using var reply = await service.DisconnectedAsync(WebPubSubUpstream.NewConnectionId(), state: null, reason: "Connect was rejected.");

        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
    }

    [Fact]
    public async Task Disconnected_WithABadSignature_Answers401_AndLeavesTheSessionAlone()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), WebPubSubApp.HandlerSettings(endSessionOnDisconnect: true));
        var service = new WebPubSubUpstream(app.Client);
        var api = new StreamApiClient(app.Client, BodyFormat.Json);
        var (connectionId, state, sessionId) = await ConnectAndSendAsync(service);

        using var reply = await service.SendEventAsync("azure.webpubsub.sys.disconnected", "disconnected", connectionId,
            """{"reason":"forged"}"""u8.ToArray(), "application/json; charset=utf-8", null, state, WebPubSubUpstream.Sign(connectionId, "forged-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);
        Assert.Equal("active", (await api.StatusAsync(sessionId)).String("status"));
    }
}
