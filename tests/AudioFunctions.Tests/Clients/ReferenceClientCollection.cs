namespace AudioFunctions.Tests.Clients;

/// <summary>
/// The reference clients run alone, after the parallel tests: they keep their own short timeouts
/// (httpx's 5 s default on <c>end</c>, 10 s per WebSocket ack), which a machine saturated by the
/// rest of the suite can exceed without anything being wrong with the app.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReferenceClientCollection
{
    public const string Name = "reference clients";
}
