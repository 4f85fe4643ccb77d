using System.Net;
using System.Text;
using System.Text.Json;
using AudioFunctions.Tests.Infrastructure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AudioFunctions.Tests.Functions.Hosting;

/// <summary>
/// The app as the Azure Functions host runs it: a child process told its port by
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, receiving proxied HTTP requests and timer invocations
/// posted to <c>/{FunctionName}</c>, and leaving the schedule to the host.
/// </summary>
public sealed class CustomHandlerProcessTests
{
    [Fact]
    public async Task UnderTheFunctionsHost_ListensOnItsPort_ServesInvocations_AndLeavesTimersToTheHost()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        await using var app = await AppProcess.StartAsync(azurite, prefix, new Dictionary<string, string>
        {
            ["INSIGHT_STREAM__SESSION_TIMEOUT_S"] = "0.5",
            ["INSIGHT_STREAM__SWEEP_INTERVAL_S"] = "0.1",
        }, underFunctionsHost: true);
        var http = app.Client;

        // A proxied HTTP function: the request arrives with its original /api path.
        var start = await http.PostAsync("/api/v1/stream/start", Json("""{"track_id":"hosted","format":"pcm_s16_le","sample_rate":48000,"channels":1}"""));
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var sessionId = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("session_id").GetString()!;

        // The session is past its timeout, but under the host no local timer sweeps it.
        await Task.Delay(1500);
        Assert.Equal("active", await StoredStatusAsync(azurite, prefix, sessionId));

        // The host's timer invocation does.
        var invocation = await http.PostAsync("/SweepExpiredSessions", Json("""
            {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"IsPastDue":false}},
             "Metadata":{"sys":{"MethodName":"SweepExpiredSessions","UtcNow":"2026-01-01T00:00:00Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}
            """));
        Assert.Equal(HttpStatusCode.OK, invocation.StatusCode);
        using var reply = JsonDocument.Parse(await invocation.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, reply.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Contains("1 expired", reply.RootElement.GetProperty("Logs")[0].GetString());
        Assert.Equal(JsonValueKind.Null, reply.RootElement.GetProperty("ReturnValue").ValueKind);
        Assert.Equal("aborted", await StoredStatusAsync(azurite, prefix, sessionId));

        await app.StopAsync();
        Assert.Equal(0, app.ExitCode);
    }

    [Fact]
    public async Task QueueSteps_DeliveredAsTheFunctionsHostDeliversThem_StoreTheTrack_AndALastFailedDeliveryFailsTheSession()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        await using var app = await AppProcess.StartAsync(azurite, prefix, new Dictionary<string, string>
        {
            ["PIPELINE__END_WAIT_S"] = "0",
        }, underFunctionsHost: true);
        var client = new StreamApiClient(app.Client);
        var trackId = "hosted-queue-" + Guid.NewGuid().ToString("N");
        var sessionId = await client.StartSessionAsync(trackId, "pcm_s16_le", 48_000, 1);
        (await client.SendFrameAsync(sessionId, new byte[48_000 * 2 * 11])).AssertStatus(HttpStatusCode.OK);
        // Under the host nothing in the app reads the queues: end cannot finish on its own.
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.Accepted);

        var queues = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var functions = new Dictionary<string, string> { ["window-steps"] = "WindowStep", ["embed-steps"] = "EmbedStep", ["finalize-steps"] = "FinalizeStep" };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.StatusAsync(sessionId)).String("status") != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the pipeline did not complete the session");
            foreach (var (queueName, function) in functions)
            {
                var queue = queues.GetQueueClient(prefix + queueName);
                foreach (var message in (await queue.ReceiveMessagesAsync(32)).Value)
                {
                    var reply = await InvokeAsync(app.Client, function, message.Body.ToString(), (int)message.DequeueCount);
                    Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
        }
        var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}")).AssertStatus(HttpStatusCode.OK);
        Assert.True(track.Boolean("has_audio"));

        // A delivery that fails: retried by the host while deliveries remain; on the last one the
        // session learns why before the host moves the message to the poison queue.
        var doomed = await client.StartSessionAsync("hosted-poison-" + Guid.NewGuid().ToString("N"));
        var hopeless = "{\"step\":\"embed\",\"session_id\":\"" + doomed + "\",\"window\":3}";
        Assert.Equal(HttpStatusCode.InternalServerError, (await InvokeAsync(app.Client, "EmbedStep", hopeless, 1)).StatusCode);
        Assert.Equal("active", (await client.StatusAsync(doomed)).String("status"));
        Assert.Equal(HttpStatusCode.InternalServerError, (await InvokeAsync(app.Client, "EmbedStep", hopeless, 5)).StatusCode);
        var failed = await client.StatusAsync(doomed);
        Assert.Equal("error", failed.String("status"));
        Assert.Contains("embed step failed after 5 attempts", failed.String("reason"));
    }

    /// <summary>Posts a queue message to the handler the way the Functions host does.</summary>
    private static Task<HttpResponseMessage> InvokeAsync(HttpClient http, string function, string message, int dequeueCount)
    {
        var invocation = new System.Text.Json.Nodes.JsonObject
        {
            ["Data"] = new System.Text.Json.Nodes.JsonObject { ["message"] = message },
            ["Metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["DequeueCount"] = dequeueCount,
                ["Id"] = Guid.NewGuid().ToString(),
                ["InsertionTime"] = DateTimeOffset.UtcNow.ToString("O"),
                ["sys"] = new System.Text.Json.Nodes.JsonObject { ["MethodName"] = function, ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O") },
            },
        };
        return http.PostAsync("/" + function, Json(invocation.ToJsonString()));
    }

    private static async Task<string> StoredStatusAsync(AzuriteServer azurite, string prefix, string sessionId)
    {
        var blob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(prefix + "sessions").GetBlobClient($"records/{sessionId}.json");
        using var record = JsonDocument.Parse((await blob.DownloadContentAsync()).Value.Content.ToMemory());
        return record.RootElement.GetProperty("status").GetString()!.ToLowerInvariant();
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
