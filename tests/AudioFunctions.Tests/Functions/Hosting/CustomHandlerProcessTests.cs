using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Tests.Infrastructure;
using Azure.Storage.Blobs;

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
        var port = FreePort();
        using var process = StartHandler(port, azurite, prefix, new()
        {
            ["INSIGHT_STREAM__SESSION_TIMEOUT_S"] = "0.5",
            ["INSIGHT_STREAM__SWEEP_INTERVAL_S"] = "0.1",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitHealthyAsync(http, process);

            // A proxied HTTP function: the request arrives with its original /api path.
            var start = await http.PostAsync("/api/v1/stream/start", Json("""{"track_id":"hosted","format":"pcm_s16_le","sample_rate":48000,"channels":1}"""));
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
            var sessionId = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("session_id").GetString()!;

            // The session is past its timeout, but under the host no local timer sweeps it.
            await Task.Delay(1500);
            Assert.Equal("active", await StoredStatusAsync(azurite, prefix, sessionId));

            // The host's timer invocation does.
            var invocation = await http.PostAsync("/" + "SweepExpiredSessions", Json("""
                {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"IsPastDue":false}},
                 "Metadata":{"sys":{"MethodName":"SweepExpiredSessions","UtcNow":"2026-01-01T00:00:00Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}
                """));
            Assert.Equal(HttpStatusCode.OK, invocation.StatusCode);
            using var reply = JsonDocument.Parse(await invocation.Content.ReadAsStringAsync());
            Assert.Equal(JsonValueKind.Object, reply.RootElement.GetProperty("Outputs").ValueKind);
            Assert.Contains("1 expired", reply.RootElement.GetProperty("Logs")[0].GetString());
            Assert.Equal(JsonValueKind.Null, reply.RootElement.GetProperty("ReturnValue").ValueKind);
            Assert.Equal("aborted", await StoredStatusAsync(azurite, prefix, sessionId));
        }
        finally
        {
            await StopAsync(process);
        }
        Assert.Equal(0, process.ExitCode);
    }

    private static Process StartHandler(int port, AzuriteServer azurite, string prefix, Dictionary<string, string> settings)
    {
        var dll = typeof(FunctionLayout).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment[CustomHandlerHost.PortSetting] = port.ToString();
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["STORAGE__CONTAINER_PREFIX"] = prefix;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "the handler exited during start-up");
            try
            {
                if ((await http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        Assert.Fail("the handler did not answer on FUNCTIONS_CUSTOMHANDLER_PORT");
    }

    private static async Task<string> StoredStatusAsync(AzuriteServer azurite, string prefix, string sessionId)
    {
        var blob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(prefix + "sessions").GetBlobClient($"records/{sessionId}.json");
        using var record = JsonDocument.Parse((await blob.DownloadContentAsync()).Value.Content.ToMemory());
        return record.RootElement.GetProperty("status").GetString()!.ToLowerInvariant();
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
            return;
        _ = Terminate(process.Id, 15); // SIGTERM, as the host stops a worker
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail("the handler did not stop on SIGTERM");
        }
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Terminate(int pid, int signal);
}
