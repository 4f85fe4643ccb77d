using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioFunctions.Functions.Health;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Streams;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Functions.Hosting;

/// <summary>
/// The deployment layout (host.json and one function.json per function) generated from the
/// declarations, checked against the Functions custom-handler contract and the app's real endpoints.
/// </summary>
public sealed class FunctionLayoutTests : IDisposable
{
    private const string TimerInvocation =
        """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"SweepExpiredSessions","UtcNow":"2026-01-01T00:00:00Z","RandGuid":"x"}}}""";

    /// <summary>The functions of the app as the API contract (reference 000, Flow 1) and the hosting plan name them.</summary>
    private static readonly Dictionary<string, (string[] Methods, string Route, string AuthLevel)> ExpectedHttp = new()
    {
        ["StreamStart"] = (["post"], "v1/stream/start", "function"),
        ["StreamFrames"] = (["post"], "v1/stream/{sessionId}/frames", "function"),
        ["StreamEnd"] = (["post"], "v1/stream/{sessionId}/end", "function"),
        ["StreamAbort"] = (["delete"], "v1/stream/{sessionId}", "function"),
        ["StreamStatus"] = (["get"], "v1/stream/{sessionId}/status", "function"),
        ["Health"] = (["get"], "health", "anonymous"),
        ["EmbedText"] = (["post"], "v1/embed/text", "function"),
        ["SearchTracks"] = (["post"], "v1/tracks/search", "function"),
        ["GetTrack"] = (["get"], "v1/tracks/{trackId}", "function"),
        ["AudioSessionInfo"] = (["get"], "audio/sessions/{sessionId}", "function"),
        ["AudioSessionClose"] = (["post"], "audio/sessions/{sessionId}/close", "function"),
        // Operators' embedding-space endpoints.
        ["ListSpaces"] = (["get"], "v1/spaces", "function"),
        ["StartReembed"] = (["post"], "v1/spaces/reembed", "function"),
        ["GetSpaceJob"] = (["get"], "v1/spaces/jobs/{jobId}", "function"),
        ["DeleteSpace"] = (["delete"], "v1/spaces/{collection}/{space}", "function"),
        // The Web PubSub event handler: the abuse-protection handshake and the events; the signature is its auth.
        ["WebPubSubEvents"] = (["options", "post"], "webpubsub/{hub}", "anonymous"),
    };

    /// <summary>The pipeline's queue-triggered functions and the queues they read.</summary>
    private static readonly Dictionary<string, string> ExpectedQueues = new()
    {
        ["DecodeStep"] = "decode-steps",
        ["WindowStep"] = "window-steps",
        ["EmbedStep"] = "embed-steps",
        ["FinalizeStep"] = "finalize-steps",
        ["SpaceJobStep"] = "space-jobs",
    };

    private static readonly string[] ExpectedNames =
        ["StreamStart", "StreamFrames", "StreamEnd", "StreamAbort", "StreamStatus", "Health", "SweepExpiredSessions",
         "EmbedText", "SearchTracks", "GetTrack", "AudioSessionInfo", "AudioSessionClose", "DecodeStep", "WindowStep", "EmbedStep", "FinalizeStep",
         "WebPubSubEvents", "ListSpaces", "StartReembed", "GetSpaceJob", "DeleteSpace", "SpaceJobStep"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "audiofunctions-layout-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string FunctionsOutput => Path.GetDirectoryName(typeof(FunctionLayout).Assembly.Location)!;

    /// <summary>Builds (does not start) the app and writes its layout to a new folder under the test's temp root.</summary>
    private async Task<(string Directory, IReadOnlyList<FunctionDeclaration> Functions)> WriteLayoutAsync(string name = "layout")
    {
        var directory = Path.Combine(_root, name);
        var app = AudioFunctionsHost.Create([], new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });
        await using (app)
        {
            var catalog = app.Services.GetRequiredService<FunctionCatalog>();
            FunctionLayout.Write(catalog, directory);
            return (directory, catalog.Functions.ToList());
        }
    }

    private static JsonObject ReadJson(string path) =>
        JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new Xunit.Sdk.XunitException(path + " holds JSON null");

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException("missing string");

    // ---------------------------------------------------------------- host.json

    [Fact]
    public async Task HostJson_NamesThisAppsExecutable_AsTheCustomHandler()
    {
        var (directory, _) = await WriteLayoutAsync();

        var host = ReadJson(Path.Combine(directory, "host.json"));

        var assemblyName = typeof(FunctionLayout).Assembly.GetName().Name!;
        Assert.Equal("AudioFunctions.Functions", assemblyName);
        var description = host["customHandler"]?["description"]?.AsObject();
        Assert.NotNull(description);
        Assert.Equal(assemblyName, Text(description["defaultExecutablePath"]));
        Assert.Equal("", Text(description["workingDirectory"]));
        Assert.Empty(description["arguments"]!.AsArray());
        Assert.True(
            File.Exists(Path.Combine(FunctionsOutput, assemblyName)) || File.Exists(Path.Combine(FunctionsOutput, assemblyName + ".exe")),
            $"no executable '{assemblyName}' in {FunctionsOutput}");
        Assert.True(File.Exists(Path.Combine(FunctionsOutput, assemblyName + ".dll")), $"no {assemblyName}.dll in {FunctionsOutput}");
    }

    [Fact]
    public async Task HostJson_HasVersion2_Proxying_RoutePrefixApi_AndTheExtensionBundle()
    {
        var (directory, _) = await WriteLayoutAsync();

        var host = ReadJson(Path.Combine(directory, "host.json"));

        Assert.Equal("2.0", Text(host["version"]));
        Assert.True(host["customHandler"]?["enableProxyingHttpRequest"]?.GetValue<bool>());
        Assert.Equal("api", Text(host["extensions"]?["http"]?["routePrefix"]));
        var bundle = host["extensionBundle"]?.AsObject();
        Assert.NotNull(bundle);
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", Text(bundle["id"]));
        Assert.False(string.IsNullOrWhiteSpace(Text(bundle["version"])));
    }

    [Fact]
    public async Task CommittedHostJson_IsByteIdentical_ToTheGeneratedOne()
    {
        var (directory, _) = await WriteLayoutAsync();

        var generated = await File.ReadAllBytesAsync(Path.Combine(directory, "host.json"));
        var committed = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "host.json"));

        Assert.True(generated.AsSpan().SequenceEqual(committed),
            $"host.json drifted from FunctionLayout.HostJson():\n--- committed\n{Encoding.UTF8.GetString(committed)}\n--- generated\n{Encoding.UTF8.GetString(generated)}");
    }

    // ---------------------------------------------------------------- function.json

    [Fact]
    public async Task EveryDeclaredFunction_HasAFolderWithFunctionJson_AndNothingElseIsWritten()
    {
        var (directory, functions) = await WriteLayoutAsync();

        var folders = Directory.GetDirectories(directory).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToArray();
        var files = Directory.GetFiles(directory).Select(f => Path.GetFileName(f)).ToArray();

        Assert.Equal(ExpectedNames.Order(StringComparer.Ordinal), folders);
        Assert.Equal(ExpectedNames.Order(StringComparer.Ordinal), functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["host.json"], files);
        foreach (var name in ExpectedNames)
            Assert.Equal(["function.json"], Directory.GetFileSystemEntries(Path.Combine(directory, name)).Select(e => Path.GetFileName(e)));
    }

    [Fact]
    public async Task HttpFunctionJson_HasTheTriggerAndOutputBindings_AsDeclared()
    {
        var (directory, functions) = await WriteLayoutAsync();

        var http = functions.Where(f => f.Trigger is HttpTrigger).ToList();
        Assert.Equal(ExpectedHttp.Keys.Order(StringComparer.Ordinal), http.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var function in http)
        {
            var trigger = (HttpTrigger)function.Trigger;
            var (methods, route, authLevel) = ExpectedHttp[function.Name];
            var json = ReadJson(Path.Combine(directory, function.Name, "function.json"));
            var bindings = json["bindings"]!.AsArray();
            Assert.Equal(2, bindings.Count);
            Assert.Single(json); // "bindings" only

            var input = bindings[0]!.AsObject();
            Assert.Equal("httpTrigger", Text(input["type"]));
            Assert.Equal("in", Text(input["direction"]));
            Assert.Equal("req", Text(input["name"]));
            Assert.Equal(authLevel, Text(input["authLevel"]));
            Assert.Equal(methods, input["methods"]!.AsArray().Select(Text));
            Assert.Equal(trigger.Methods, input["methods"]!.AsArray().Select(Text));
            Assert.Equal(route, Text(input["route"]));
            Assert.Equal(trigger.Route, Text(input["route"]));

            var output = bindings[1]!.AsObject();
            Assert.Equal("http", Text(output["type"]));
            Assert.Equal("out", Text(output["direction"]));
            Assert.Equal("res", Text(output["name"]));
        }
    }

    [Fact]
    public async Task TimerFunctionJson_HasTheTimerTrigger_EveryMinute()
    {
        var (directory, functions) = await WriteLayoutAsync();

        var json = ReadJson(Path.Combine(directory, "SweepExpiredSessions", "function.json"));

        var timer = Assert.Single(functions, f => f.Trigger is TimerTrigger);
        Assert.Equal("SweepExpiredSessions", timer.Name);
        var binding = Assert.Single(json["bindings"]!.AsArray())!.AsObject();
        Assert.Equal("timerTrigger", Text(binding["type"]));
        Assert.Equal("in", Text(binding["direction"]));
        Assert.Equal("timer", Text(binding["name"]));
        Assert.Equal("0 */1 * * * *", Text(binding["schedule"]));
        Assert.Equal(StreamFunctions.SweepExpiredSessions, timer);
        Assert.Equal(HealthFunctions.Health, functions.Single(f => f.Name == "Health"));
    }

    [Fact]
    public async Task QueueFunctionJson_HasTheQueueTrigger_OnTheStepsQueue()
    {
        var (directory, functions) = await WriteLayoutAsync();

        Assert.Equal(ExpectedQueues.Keys.Order(), functions.Where(f => f.Trigger is QueueTrigger).Select(f => f.Name).Order());
        foreach (var (name, queue) in ExpectedQueues)
        {
            var binding = Assert.Single(ReadJson(Path.Combine(directory, name, "function.json"))["bindings"]!.AsArray())!.AsObject();
            Assert.Equal("queueTrigger", Text(binding["type"]));
            Assert.Equal("in", Text(binding["direction"]));
            Assert.Equal("message", Text(binding["name"]));
            Assert.Equal(queue, Text(binding["queueName"]));
            Assert.Equal("AzureWebJobsStorage", Text(binding["connection"]));
        }
        // The host gives up on a message after as many deliveries as the local listener does.
        var queues = ReadJson(Path.Combine(directory, "host.json"))["extensions"]!["queues"]!;
        Assert.Equal(new AudioFunctions.Orchestration.PipelineOptions().MaxDequeueCount, queues["maxDequeueCount"]!.GetValue<int>());
    }

    [Fact]
    public void QueueFunctionJson_NamesThePrefixedQueue_WhenTheDeploymentSharesItsAccount()
    {
        var json = FunctionLayout.FunctionJson(AudioFunctions.Functions.Orchestration.PipelineFunctions.EmbedStep, "prod-");
        Assert.Equal("prod-embed-steps", Text(json["bindings"]![0]!["queueName"]));
    }

    // ---------------------------------------------------------------- the layout against the running app

    [Fact]
    public async Task EveryHttpFunctionRoute_ReachesItsHandler_WithTheDeclaredMethod()
    {
        var (directory, functions) = await WriteLayoutAsync();
        var azurite = await AzuriteServer.Shared;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());

        foreach (var function in functions.Where(f => f.Trigger is HttpTrigger))
        {
            var input = ReadJson(Path.Combine(directory, function.Name, "function.json"))["bindings"]![0]!;
            var path = "/api/" + Text(input["route"])
                .Replace("{sessionId}", Guid.NewGuid().ToString("D"), StringComparison.Ordinal)
                .Replace("{trackId}", "no-such-track", StringComparison.Ordinal)
                .Replace("{hub}", "audio", StringComparison.Ordinal);
            foreach (var method in input["methods"]!.AsArray().Select(Text))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path);
                var response = await new StreamApiClient(app.Client).SendAsync(request);

                Assert.True(response.Status != HttpStatusCode.MethodNotAllowed, $"{function.Name}: {method} {path} answered 405");
                if (response.Status == HttpStatusCode.NotFound)
                {
                    // Only the handler's own 404 (a session or track that does not exist) proves the route is there.
                    Assert.True(response.Body is not null, $"{function.Name}: {method} {path} answered 404 with an empty body (no such route)");
                    Assert.Contains(response.ErrorCode, new[] { AudioFunctions.Errors.ErrorCodes.SessionNotFound, AudioFunctions.Errors.ErrorCodes.TrackNotFound, AudioFunctions.Errors.ErrorCodes.JobNotFound, AudioFunctions.Errors.ErrorCodes.UnknownSpace });
                }
            }
        }
    }

    [Fact]
    public async Task RouteCheck_CanFail_ForAWrongMethodOrAnUnknownPath()
    {
        var azurite = await AzuriteServer.Shared;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());

        using var wrongMethod = await app.Client.GetAsync("/api/v1/stream/start");
        using var unknownPath = await app.Client.PostAsync("/api/v1/stream/nothing/here/at/all", content: null);
        using var unprefixed = await app.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("\"method_not_allowed\"", await ErrorBodyAsJsonAsync(wrongMethod));
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.StatusCode);
        Assert.Contains("\"not_found\"", await ErrorBodyAsJsonAsync(unknownPath));
        Assert.Equal(HttpStatusCode.NotFound, unprefixed.StatusCode);
    }

    /// <summary>Routing's answers carry the error contract too (msgpack by default), shown here as JSON text.</summary>
    private static async Task<string> ErrorBodyAsJsonAsync(HttpResponseMessage response)
    {
        var body = AudioFunctions.Wire.MsgPackCodec.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.True(body.TryGetProperty("detail", out _));
        return System.Text.Encoding.UTF8.GetString(AudioFunctions.Wire.JsonCodec.Serialize(body));
    }

    [Fact]
    public async Task TimerInvocation_FromTheFunctionsHost_IsAnsweredWithOutputsLogsAndReturnValue()
    {
        var azurite = await AzuriteServer.Shared;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());
        using var content = new StringContent(TimerInvocation, Encoding.UTF8, "application/json");

        using var response = await app.Client.PostAsync("/SweepExpiredSessions", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["Logs", "Outputs", "ReturnValue"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Object, body["Outputs"]!.GetValueKind());
        var logs = body["Logs"]!.AsArray();
        Assert.NotEmpty(logs);
        Assert.All(logs, log => Assert.Equal(JsonValueKind.String, log!.GetValueKind()));
        Assert.StartsWith("Checked ", logs[0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(body.ContainsKey("ReturnValue"));
        Assert.Null(body["ReturnValue"]);
    }

    // ---------------------------------------------------------------- the write-layout command

    [Fact]
    public async Task WriteLayoutCommand_ExitsZero_AndWritesTheSameFiles()
    {
        var (expected, _) = await WriteLayoutAsync("in-process");
        var target = Path.Combine(_root, "command");
        var workingDirectory = Path.Combine(_root, "cwd");
        Directory.CreateDirectory(workingDirectory);
        var dll = typeof(FunctionLayout).Assembly.Location;

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("write-layout");
        start.ArgumentList.Add(target);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException("write-layout did not finish within 120 s");
            }
        }

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        var expectedFiles = RelativeFiles(expected);
        Assert.Equal(expectedFiles, RelativeFiles(target));
        Assert.Equal(1 + ExpectedNames.Length, expectedFiles.Length);
        foreach (var file in expectedFiles)
        {
            var written = await File.ReadAllTextAsync(Path.Combine(target, file));
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(expected, file)), written);
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected, file)), File.ReadAllBytes(Path.Combine(target, file)));
        }
        Assert.Empty(Directory.GetFileSystemEntries(workingDirectory));
    }

    private static string[] RelativeFiles(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
