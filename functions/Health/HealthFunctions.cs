using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using AudioFunctions.Embedding;
using AudioFunctions.Functions.Spaces;
using AudioFunctions.Indexing;
using AudioFunctions.Spaces;
using AudioFunctions.Storage;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Health;

/// <summary>
/// <c>GET /api/health</c>: whether the app can reach its storage and run the embedders of the active spaces (503 when
/// it cannot), and which embedders are ready here (with what is missing for those that are not).
/// </summary>
public static class HealthFunctions
{
    public static readonly FunctionDeclaration Health = FunctionDeclaration.Http("Health", "get", "health", AuthLevel.Anonymous);

    /// <summary>A health probe answers within this, reachable or not.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHttpFunction(Health, CheckAsync);
        return endpoints;
    }

    private static async Task<WireResult> CheckAsync(HttpContext context, StorageContainers containers, ActiveSpaces spaces, EmbedderCatalog catalog)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(ProbeTimeout);
        string? problem = null;
        try
        {
            await containers.EnsureCreatedAsync(timeout.Token);
            await containers.Sessions.GetPropertiesAsync(cancellationToken: timeout.Token);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e) || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            problem = e is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds} s" : "unreachable";
        }

        var selection = spaces.Current;
        var embeddersReady = true;
        foreach (var collection in new[] { VectorCollection.Audio, VectorCollection.Text })
            embeddersReady &= selection.Active(collection) is { } active
                && (collection == VectorCollection.Audio ? catalog.AudioFor(active) is not null : catalog.TextFor(active) is not null);

        var healthy = problem is null && embeddersReady;
        var body = WireValue.Map(
            ("status", WireValue.String(healthy ? "healthy" : "unhealthy")),
            ("storage", WireValue.String(problem is null ? "reachable" : problem)),
            ("active_spaces", WireValue.Map(
                ("audio", selection.Audio is { } audio ? WireValue.String(audio) : WireValue.Nil),
                ("text", selection.Text is { } text ? WireValue.String(text) : WireValue.Nil))),
            ("embedders", WireValue.Array([.. catalog.Statuses.Select(SpaceResponses.Embedder)])));
        return new WireResult(body, healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
