using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioFunctions.Functions.Hosting;

/// <summary>
/// The deployment layout the Functions host reads: <c>host.json</c> naming this executable as the
/// custom handler, and one <c>{Name}/function.json</c> per declared function.
/// </summary>
public static class FunctionLayout
{
    // "\n" on every platform, so the generated files are the same bytes everywhere.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NewLine = "\n" };

    /// <summary>The app's executable, as a self-contained publish names it.</summary>
    public static string ExecutableName => typeof(FunctionLayout).Assembly.GetName().Name!;

    /// <summary>Deliveries of a failing queue message before the host moves it to the poison queue (as the local listener does by default).</summary>
    public const int MaxDequeueCount = 5;

    public static JsonObject HostJson() => new()
    {
        ["version"] = "2.0",
        ["customHandler"] = new JsonObject
        {
            ["description"] = new JsonObject
            {
                ["defaultExecutablePath"] = ExecutableName,
                ["workingDirectory"] = "",
                ["arguments"] = new JsonArray(),
            },
            // Proxying streams request and response bodies instead of wrapping them in JSON.
            ["enableProxyingHttpRequest"] = true,
        },
        ["extensions"] = new JsonObject
        {
            ["http"] = new JsonObject { ["routePrefix"] = HttpTrigger.RoutePrefix },
            ["queues"] = new JsonObject
            {
                ["maxDequeueCount"] = MaxDequeueCount,
                ["visibilityTimeout"] = "00:00:01",
                ["batchSize"] = 16,
            },
        },
        ["extensionBundle"] = new JsonObject
        {
            ["id"] = "Microsoft.Azure.Functions.ExtensionBundle",
            ["version"] = "[4.*, 5.0.0)",
        },
    };

    /// <param name="function">The declared function.</param>
    /// <param name="queuePrefix">The deployment's container prefix (<c>STORAGE__CONTAINER_PREFIX</c>), which queue names carry too.</param>
    public static JsonObject FunctionJson(FunctionDeclaration function, string queuePrefix = "") => function.Trigger switch
    {
        HttpTrigger http => Bindings(
            new JsonObject
            {
                ["type"] = "httpTrigger",
                ["direction"] = "in",
                ["name"] = "req",
                ["authLevel"] = http.AuthLevel.ToString().ToLowerInvariant(),
                ["methods"] = new JsonArray([.. http.Methods.Select(m => JsonValue.Create(m))]),
                ["route"] = http.Route,
            },
            new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        TimerTrigger timer => Bindings(new JsonObject
        {
            ["type"] = "timerTrigger",
            ["direction"] = "in",
            ["name"] = "timer",
            ["schedule"] = timer.Schedule,
        }),
        QueueTrigger queue => Bindings(new JsonObject
        {
            ["type"] = "queueTrigger",
            ["direction"] = "in",
            ["name"] = "message",
            ["queueName"] = queuePrefix + queue.QueueName,
            ["connection"] = "AzureWebJobsStorage",
        }),
        _ => throw new NotSupportedException($"No function.json form for {function.Trigger.GetType().Name}."),
    };

    /// <summary>Writes <c>host.json</c> and every <c>function.json</c> under <paramref name="directory"/>.</summary>
    public static void Write(FunctionCatalog catalog, string directory, string queuePrefix = "")
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "host.json"), ToText(HostJson()));
        foreach (var function in catalog.Functions)
        {
            var folder = Path.Combine(directory, function.Name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "function.json"), ToText(FunctionJson(function, queuePrefix)));
        }
    }

    public static string ToText(JsonNode node) => node.ToJsonString(Indented) + "\n";

    private static JsonObject Bindings(params JsonObject[] bindings) => new() { ["bindings"] = new JsonArray(bindings) };
}
