namespace AudioFunctions.Functions.Hosting;

/// <summary>
/// A function, declared once: the app maps its endpoint from this, and the deployment's
/// <c>{Name}/function.json</c> is generated from it, so the two cannot drift apart.
/// </summary>
/// <param name="Name">Function name: the folder of its function.json and, for non-HTTP triggers, the path the host posts invocations to.</param>
/// <param name="Trigger">What starts it.</param>
public sealed record FunctionDeclaration(string Name, FunctionTrigger Trigger)
{
    public static FunctionDeclaration Http(string name, string method, string route, AuthLevel authLevel = AuthLevel.Function) =>
        Http(name, [method], route, authLevel);

    /// <summary>An HTTP function answering several methods at one route (e.g. a webhook's OPTIONS handshake and its POSTs).</summary>
    public static FunctionDeclaration Http(string name, IReadOnlyList<string> methods, string route, AuthLevel authLevel = AuthLevel.Function) =>
        new(name, new HttpTrigger(route, [.. methods.Select(m => m.ToLowerInvariant())], authLevel));

    public static FunctionDeclaration Timer(string name, string schedule) => new(name, new TimerTrigger(schedule));

    public static FunctionDeclaration Queue(string name, string queueName) => new(name, new QueueTrigger(queueName));
}
