using System.Net;
using System.Text.Json.Nodes;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// The abuse-protection handshake (OPTIONS with <c>WebHook-Request-Origin</c>, granted by
/// <c>WebHook-Allowed-Origin</c>) and what the app does without an access key.
/// </summary>
public sealed class WebPubSubHandshakeTests(WebPubSubApp fixture) : IClassFixture<WebPubSubApp>
{
    private readonly WebPubSubUpstream _service = new(fixture.App.Client);

    [Fact]
    public async Task Handshake_FromAnAllowedOrigin_IsGranted_WithThatOrigin()
    {
        using var response = await _service.HandshakeAsync(WebPubSubUpstream.Origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([WebPubSubUpstream.Origin], response.Headers.GetValues("WebHook-Allowed-Origin"));
        Assert.Equal(["*"], response.Headers.GetValues("WebHook-Allowed-Rate"));
        Assert.Equal(["OPTIONS", "POST"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Handshake_ComparesTheOriginCaseInsensitively()
    {
        using var response = await _service.HandshakeAsync("TEST.WebPubSub.Azure.com");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["TEST.WebPubSub.Azure.com"], response.Headers.GetValues("WebHook-Allowed-Origin"));
    }

    [Fact]
    public async Task Handshake_FromAnotherOrigin_IsDenied_WithoutTheAllowedOriginHeader()
    {
        using var response = await _service.HandshakeAsync("intruder.example.com");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("WebHook-Allowed-Origin"));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            """{"error":"unauthorized","detail":"Origin 'intruder.example.com' may not deliver events here; WEBPUBSUB__ALLOWED_ORIGINS lists the allowed ones."}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Handshake_WithoutAnOrigin_Answers400()
    {
        using var response = await _service.HandshakeAsync(origin: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("WebHook-Allowed-Origin"));
        Assert.Equal(
            """{"error":"invalid_request","detail":"The abuse-protection handshake needs a WebHook-Request-Origin header naming the sender's host."}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutAnAccessKey_TheHandshakeIsDenied_AndEveryEventRefused()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var service = new WebPubSubUpstream(app.Client);
        var connectionId = WebPubSubUpstream.NewConnectionId();
        const string Refusal = """{"error":"unauthorized","detail":"No access key is configured (WEBPUBSUB__ACCESS_KEY), so this app cannot verify Web PubSub events and accepts none."}""";

        using var handshake = await service.HandshakeAsync(WebPubSubUpstream.Origin);
        using var connect = await service.ConnectAsync(connectionId, new Dictionary<string, string[]>());
        using var unsigned = await service.ConnectAsync(connectionId, new Dictionary<string, string[]>(), signature: null);

        Assert.Equal(HttpStatusCode.Unauthorized, handshake.StatusCode);
        Assert.False(handshake.Headers.Contains("WebHook-Allowed-Origin"));
        Assert.Equal(Refusal, await handshake.Content.ReadAsStringAsync());
        foreach (var refused in new[] { connect, unsigned })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.False(refused.Headers.Contains("ce-connectionState"));
            Assert.Equal(Refusal, await refused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task AppStart_Fails_WhenAKeyIsSetWithoutAllowedOrigins()
    {
        var app = AudioFunctionsHost.Create([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = (await AzuriteServer.Shared).ConnectionString,
            ["WEBPUBSUB__ACCESS_KEY"] = WebPubSubUpstream.PrimaryKey,
        });
        await using (app)
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

            Assert.Contains("WEBPUBSUB__ALLOWED_ORIGINS", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EventsForAnotherHub_AreRefused_With404()
    {
        var service = new WebPubSubUpstream(fixture.App.Client, hub: "chat");

        using var response = await service.ConnectAsync(WebPubSubUpstream.NewConnectionId(), new Dictionary<string, string[]>());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("ce-connectionState"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("not_found", body["error"]!.GetValue<string>());
        Assert.Equal("This app serves the Web PubSub hub 'audio' (WEBPUBSUB__HUB), not 'chat'.", body["detail"]!.GetValue<string>());
    }
}
