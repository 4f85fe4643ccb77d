using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Health;

/// <summary><c>GET /api/health</c>: 200 while storage answers, 503 (quickly) while it does not, and 200 again after.</summary>
public sealed class HealthTests
{
    /// <summary>No request here may hang: each must be answered well within this.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static HttpClient BoundedClient(AppInstance app) => new() { BaseAddress = app.BaseAddress, Timeout = RequestTimeout };

    private static string NewTrack() => "health-" + Guid.NewGuid().ToString("N");

    private static async Task<ApiResponse> HealthAsync(HttpClient http, BodyFormat format = BodyFormat.Json) =>
        await new StreamApiClient(http, format).SendAsync(HttpMethod.Get, "/api/health");

    private static void AssertHealthBody(ApiResponse response) =>
        Assert.Equal(["active_spaces", "embedders", "status", "storage"], response.Body!.AsMap().Select(e => e.Key).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData(BodyFormat.Json)]
    [InlineData(BodyFormat.MsgPack)]
    public async Task Health_Returns200Healthy_WhenStorageIsReachable(BodyFormat format)
    {
        var azurite = await AzuriteServer.Shared;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());
        using var http = BoundedClient(app);

        var response = await HealthAsync(http, format);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(MediaTypes.ContentTypeOf(format), response.ContentType);
        Assert.Equal("healthy", response.String("status"));
        Assert.Equal("reachable", response.String("storage"));
        AssertHealthBody(response);
    }

    [Fact]
    public async Task Health_Returns503Unhealthy_WhileStorageIsDown_StartReturns503StorageUnavailable_AndHealthRecovers()
    {
        var azurite = await AzuriteServer.StartAsync();
        await using var _ = azurite;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());
        using var http = BoundedClient(app);
        var client = new StreamApiClient(http, BodyFormat.Json);

        var before = await HealthAsync(http);
        before.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("healthy", before.String("status"));
        var sessionId = await client.StartSessionAsync(NewTrack());

        await azurite.StopAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            var down = await HealthAsync(http);
            watch.Stop();

            down.AssertStatus(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("unhealthy", down.String("status"));
            Assert.NotEqual("reachable", down.String("storage"));
            AssertHealthBody(down);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"health took {watch.Elapsed} with storage down");

            var track = NewTrack();
            var start = await client.StartAsync(track);
            start.AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable, "Storage is unavailable");

            var frame = await client.SendFrameAsync(sessionId, new byte[400]);
            frame.AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable);

            var status = await client.StatusAsync(sessionId);
            status.AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable);

            await azurite.StartAgainAsync();

            var after = await HealthAsync(http);
            after.AssertStatus(HttpStatusCode.OK);
            Assert.Equal("healthy", after.String("status"));
            Assert.Equal("reachable", after.String("storage"));

            // The refused start left nothing behind, and the frame refused during the outage was not counted.
            var restart = await client.StartAsync(track);
            restart.AssertStatus(HttpStatusCode.OK);
            Assert.Equal(0, (await StoredAudio.RecordAsync(app.Services, sessionId)).TotalBytes);
            Assert.Equal("active", (await client.StatusAsync(sessionId)).String("status"));
        }
        finally
        {
            await azurite.StopAsync();
        }
    }

    [Fact]
    public async Task Health_Returns503Unhealthy_WhenStorageWasNeverReachable()
    {
        // An Azurite that is stopped before the app first touches storage: the containers were never created.
        var azurite = await AzuriteServer.StartAsync();
        await using var _ = azurite;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());
        using var http = BoundedClient(app);
        await azurite.StopAsync();

        var down = await HealthAsync(http);

        down.AssertStatus(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unhealthy", down.String("status"));

        await azurite.StartAgainAsync();
        var after = await HealthAsync(http);
        after.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("healthy", after.String("status"));
        var start = await new StreamApiClient(http).StartAsync(NewTrack());
        start.AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_Answers405ToPost_BecauseOnlyGetIsDeclared()
    {
        var azurite = await AzuriteServer.Shared;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());
        using var http = BoundedClient(app);
        using var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.Json);

        using var post = await http.PostAsync("/api/health", content);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }
}
