using System.Text.Json.Nodes;

namespace AudioFunctions.Functions.Hosting;

/// <summary>Maps declared functions to endpoints and records them in the <see cref="FunctionCatalog"/>.</summary>
public static class FunctionEndpoints
{
    /// <summary>Maps an HTTP function at <c>/api/{route}</c>, with the key check its auth level asks for.</summary>
    public static RouteHandlerBuilder MapHttpFunction(this IEndpointRouteBuilder endpoints, FunctionDeclaration function, Delegate handler)
    {
        if (function.Trigger is not HttpTrigger trigger)
            throw new ArgumentException($"Function '{function.Name}' is not HTTP-triggered.", nameof(function));
        endpoints.ServiceProvider.GetRequiredService<FunctionCatalog>().Add(function);

        var methods = trigger.Methods.Select(m => m.ToUpperInvariant()).ToArray();
        var builder = endpoints.MapMethods(trigger.Path, methods, handler).WithName(function.Name);
        if (trigger.AuthLevel != AuthLevel.Anonymous)
            builder.AddEndpointFilter<FunctionKeyFilter>();
        return builder;
    }

    /// <summary>
    /// Maps a timer function: <c>POST /{Name}</c> is where the Functions host delivers its
    /// invocations (<c>{"Data":…,"Metadata":…}</c>, answered <c>{"Outputs":…,"Logs":…,"ReturnValue":…}</c>),
    /// and <paramref name="localInterval"/> is how often the app runs it itself when no host does.
    /// </summary>
    public static void MapTimerFunction(
        this IEndpointRouteBuilder endpoints,
        FunctionDeclaration function,
        Func<IServiceProvider, TimeSpan> localInterval,
        Func<IServiceProvider, CancellationToken, Task<string>> run)
    {
        if (function.Trigger is not TimerTrigger)
            throw new ArgumentException($"Function '{function.Name}' is not timer-triggered.", nameof(function));
        var catalog = endpoints.ServiceProvider.GetRequiredService<FunctionCatalog>();
        catalog.Add(function);
        catalog.AddTimer(new LocalTimer(function, localInterval, run));

        // The timer's binding data (schedule status) does not change what the body does.
        endpoints.MapInvocation(function, context => run(context.RequestServices, context.RequestAborted));
    }

    /// <summary>
    /// Maps a queue-triggered function: <c>POST /{Name}</c> receives the Functions host's invocations.
    /// A non-2xx answer fails the invocation, so the host retries the message and, after
    /// <c>maxDequeueCount</c> deliveries, moves it to the poison queue. (Locally the app's own
    /// listener reads the queue instead.)
    /// </summary>
    public static void MapQueueFunction(
        this IEndpointRouteBuilder endpoints,
        FunctionDeclaration function,
        Func<IServiceProvider, QueueInvocation, CancellationToken, Task<string>> run)
    {
        if (function.Trigger is not QueueTrigger)
            throw new ArgumentException($"Function '{function.Name}' is not queue-triggered.", nameof(function));
        endpoints.ServiceProvider.GetRequiredService<FunctionCatalog>().Add(function);

        endpoints.MapInvocation(function, async context =>
        {
            using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var invocation = QueueInvocation.Parse(body.RootElement, "message");
            return await run(context.RequestServices, invocation, context.RequestAborted);
        });
    }

    /// <summary>
    /// <c>POST /{Name}</c>, where the Functions host delivers non-HTTP invocations; answered
    /// <c>{"Outputs":{},"Logs":[log],"ReturnValue":null}</c>.
    /// </summary>
    private static void MapInvocation(this IEndpointRouteBuilder endpoints, FunctionDeclaration function, Func<HttpContext, Task<string>> run) =>
        endpoints.MapPost("/" + function.Name, async (HttpContext context) =>
        {
            var reply = new JsonObject
            {
                ["Outputs"] = new JsonObject(),
                ["Logs"] = new JsonArray(await run(context)),
                ["ReturnValue"] = null,
            };
            return Results.Text(reply.ToJsonString(), "application/json");
        }).WithName(function.Name).AddEndpointFilter<FunctionKeyFilter>();
}
