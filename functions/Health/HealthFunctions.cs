using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using AudioFunctions.Storage;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Health;

/// <summary><c>GET /api/health</c>: whether the app can reach its storage (503 when it cannot).</summary>
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

    private static async Task<WireResult> CheckAsync(HttpContext context, StorageContainers containers)
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

        var body = WireValue.Map(
            ("status", WireValue.String(problem is null ? "healthy" : "unhealthy")),
            ("storage", WireValue.String(problem is null ? "reachable" : problem)));
        return new WireResult(body, problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
