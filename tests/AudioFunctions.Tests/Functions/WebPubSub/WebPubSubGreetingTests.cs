using System.Net;
using System.Text.Json.Nodes;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// The greeting of a new session over Web PubSub: the app's WebSocket sends it as the first
/// message; over Web PubSub the app sends it on <c>connected</c>, through the REST API's "Send To
/// Connection", to the connection whose connect opened the session, and to no other. Whatever
/// becomes of that call, <c>connected</c> is answered 204.
/// </summary>
public sealed class WebPubSubGreetingTests
{
    private static readonly Dictionary<string, string[]> NewSession = new()
    {
        ["format"] = ["pcm_s16_le"],
        ["sample_rate"] = ["16000"],
    };

    private static Dictionary<string, string?> Settings(Uri? endpoint, string? sendTimeoutSeconds = null)
    {
        var settings = WebPubSubApp.HandlerSettings();
        if (endpoint is not null)
            settings["WEBPUBSUB__ENDPOINT"] = endpoint.GetLeftPart(UriPartial.Authority);
        if (sendTimeoutSeconds is not null)
            settings["WEBPUBSUB__SEND_TIMEOUT_S"] = sendTimeoutSeconds;
        return settings;
    }

    private static async Task<AppInstance> StartAppAsync(Dictionary<string, string?> settings) =>
        await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), settings);

    private static async Task<(string ConnectionId, string State, string SessionId)> ConnectAsync(
        WebPubSubUpstream service, IReadOnlyDictionary<string, string[]> query)
    {
        var connectionId = WebPubSubUpstream.NewConnectionId();
        using var reply = await service.ConnectAsync(connectionId, query);
        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        return (connectionId, Assert.Single(reply.Headers.GetValues("ce-connectionState")), WebPubSubConnectTests.SessionIdOf(reply));
    }

    private static async Task AssertConnectedAnswers204Async(WebPubSubUpstream service, string connectionId, string? state)
    {
        using var reply = await service.ConnectedAsync(connectionId, state);
        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        Assert.Empty(await reply.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Connected_OfANewSession_SendsTheWebSocketGreeting_OnceToThatConnection()
    {
        await using var rest = await WebPubSubRestService.StartAsync(WebPubSubUpstream.PrimaryKey);
        await using var app = await StartAppAsync(Settings(rest.Endpoint));
        var service = new WebPubSubUpstream(app.Client);
        var (connectionId, state, sessionId) = await ConnectAsync(service, NewSession);
        Assert.Empty(rest.Requests);

        await AssertConnectedAnswers204Async(service, connectionId, state);

        var sent = Assert.Single(rest.Sent);
        Assert.Equal(WebPubSubUpstream.Hub, sent.Hub);
        Assert.Equal(connectionId, sent.ConnectionId);
        Assert.Equal("text/plain", sent.ContentType);
        var greeting = JsonNode.Parse(sent.Text)!.AsObject();
        Assert.Equal(sessionId, (string)greeting["session_id"]!);
        Assert.Equal(0, (long)greeting["chunk_count"]!);
        Assert.Equal("active", (string)greeting["status"]!);
        // The very message a WebSocket client of the same app gets first, but for the session id.
        await using (var socket = await LiveAudioClient.ConnectAsync(app, "?format=pcm_s16_le&sample_rate=16000"))
        {
            var socketGreeting = await socket.ReceiveJsonAsync();
            var socketSessionId = (string)socketGreeting["session_id"]!;
            Assert.Equal(socketGreeting.ToJsonString().Replace(socketSessionId, sessionId, StringComparison.Ordinal), sent.Text);
        }
        // Frames of the connection carry the same state; none of them greets again.
        using (var audio = await service.BinaryMessageAsync(connectionId, state, new byte[640]))
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Single(rest.Requests);
    }

    [Fact]
    public async Task Connected_OfAConnectionThatJoinedASession_SendsNothing()
    {
        await using var rest = await WebPubSubRestService.StartAsync(WebPubSubUpstream.PrimaryKey);
        await using var app = await StartAppAsync(Settings(rest.Endpoint));
        var service = new WebPubSubUpstream(app.Client);
        var opener = await ConnectAsync(service, NewSession);
        var joiner = await ConnectAsync(service, new Dictionary<string, string[]> { ["session_id"] = [opener.SessionId] });
        Assert.Equal(opener.SessionId, joiner.SessionId);

        await AssertConnectedAnswers204Async(service, joiner.ConnectionId, joiner.State);

        Assert.Empty(rest.Requests);
        // The opener is still owed its greeting, and only it gets one.
        await AssertConnectedAnswers204Async(service, opener.ConnectionId, opener.State);
        Assert.Equal(opener.ConnectionId, Assert.Single(rest.Sent).ConnectionId);
    }

    [Fact]
    public async Task Connected_WithoutAState_SendsNothing()
    {
        await using var rest = await WebPubSubRestService.StartAsync(WebPubSubUpstream.PrimaryKey);
        await using var app = await StartAppAsync(Settings(rest.Endpoint));

        await AssertConnectedAnswers204Async(new WebPubSubUpstream(app.Client), WebPubSubUpstream.NewConnectionId(), state: null);

        Assert.Empty(rest.Requests);
    }

    [Fact]
    public async Task Connected_Answers204_WhenTheServiceRefusesTheToken()
    {
        // The service holds other keys than the app: its check of the token fails.
        await using var rest = await WebPubSubRestService.StartAsync("a-key-the-app-does-not-hold");
        await using var app = await StartAppAsync(Settings(rest.Endpoint));
        var service = new WebPubSubUpstream(app.Client);
        var (connectionId, state, _) = await ConnectAsync(service, NewSession);

        await AssertConnectedAnswers204Async(service, connectionId, state);

        Assert.Equal(401, Assert.Single(rest.Requests).Status);
        Assert.Empty(rest.Sent);
    }

    [Fact]
    public async Task Connected_Answers204_WhenTheServiceIsDown()
    {
        await using var app = await StartAppAsync(Settings(WebPubSubRestService.ClosedEndpoint()));
        var service = new WebPubSubUpstream(app.Client);
        var (connectionId, state, sessionId) = await ConnectAsync(service, NewSession);

        await AssertConnectedAnswers204Async(service, connectionId, state);

        // The connection streams on regardless.
        using var audio = await service.BinaryMessageAsync(connectionId, state, new byte[640]);
        Assert.Equal(
            $$"""{"message":"Chunk processed successfully","session_id":"{{sessionId}}","chunk_count":1,"status":"active"}""",
            await audio.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Connected_Answers204_WhenTheServiceDoesNotAnswer_WithinTheSendTimeout()
    {
        await using var rest = await WebPubSubRestService.StartAsync(WebPubSubUpstream.PrimaryKey, stall: true);
        await using var app = await StartAppAsync(Settings(rest.Endpoint, sendTimeoutSeconds: "1"));
        var service = new WebPubSubUpstream(app.Client);
        var (connectionId, state, _) = await ConnectAsync(service, NewSession);

        await AssertConnectedAnswers204Async(service, connectionId, state);

        Assert.Single(rest.Requests);
        Assert.Empty(rest.Sent);
    }

    [Fact]
    public async Task Connected_SendsNothing_WithoutAnEndpoint()
    {
        await using var rest = await WebPubSubRestService.StartAsync(WebPubSubUpstream.PrimaryKey);
        await using var app = await StartAppAsync(Settings(endpoint: null));
        var service = new WebPubSubUpstream(app.Client);
        var (connectionId, state, _) = await ConnectAsync(service, NewSession);

        await AssertConnectedAnswers204Async(service, connectionId, state);
        await AssertConnectedAnswers204Async(service, connectionId, state);

        Assert.Empty(rest.Requests);
    }
}
