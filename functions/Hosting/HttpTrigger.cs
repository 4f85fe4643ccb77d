namespace AudioFunctions.Functions.Hosting;

/// <summary>An HTTP-triggered function.</summary>
/// <param name="Route">Route below the <c>api/</c> prefix, in ASP.NET and Functions template syntax alike.</param>
/// <param name="Methods">Lower-case HTTP methods.</param>
/// <param name="AuthLevel">Who may call it; the Functions host enforces it in Azure, the app locally when a key is set.</param>
public sealed record HttpTrigger(string Route, IReadOnlyList<string> Methods, AuthLevel AuthLevel) : FunctionTrigger
{
    /// <summary>The prefix the Functions host puts before every route (<c>extensions.http.routePrefix</c>).</summary>
    public const string RoutePrefix = "api";

    public string Path => $"/{RoutePrefix}/{Route}";
}
