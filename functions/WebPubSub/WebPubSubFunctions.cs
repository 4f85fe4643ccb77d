using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// The Azure Web PubSub event handler: in Azure, WebSockets do not pass the Functions front end,
/// so clients connect to a Web PubSub hub and the service calls this function for each connect,
/// frame and disconnect (CloudEvents over HTTP, binary mode).
/// </summary>
public static class WebPubSubFunctions
{
    /// <summary>
    /// <c>/api/webpubsub/{hub}</c>. The hub's event handler is configured with the URL template
    /// <c>https://&lt;app&gt;/api/webpubsub/{hub}</c>; the service fills in <c>{hub}</c> (placeholders are
    /// allowed in the path, not the host), so the URL names the hub it serves and an event
    /// handler pointed here from another hub is refused instead of mixing its clients in. Event types
    /// stay out of the path (no <c>{event}</c>): <c>ce-type</c> names them, and one function serves
    /// them all. OPTIONS is the abuse-protection handshake, POST the events. Anonymous at the
    /// Functions host: every POST must carry a valid <c>ce-signature</c>, which is the service's
    /// own proof; a function key in the URL would be a second secret for no more assurance.
    /// </summary>
    public static readonly FunctionDeclaration Events =
        FunctionDeclaration.Http("WebPubSubEvents", ["options", "post"], "webpubsub/{hub}", AuthLevel.Anonymous);

    /// <summary>
    /// Registers the handler, its options (section <c>WEBPUBSUB</c>, validated at start) and the
    /// REST client with its HTTP client: timeout <c>WEBPUBSUB__SEND_TIMEOUT_S</c>, no redirects.
    /// </summary>
    public static IServiceCollection AddWebPubSub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebPubSubOptions>()
            .Bind(configuration.GetSection(WebPubSubOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(WebPubSubRestClient.HttpClientName)
            .ConfigureHttpClient((provider, client) =>
                client.Timeout = provider.GetRequiredService<IOptions<WebPubSubOptions>>().Value.SendTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<WebPubSubRestClient>();
        services.AddSingleton<WebPubSubEventHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebPubSubFunctions(this IEndpointRouteBuilder endpoints)
    {
        // Errors in JSON whatever the event's body type: the service hands a rejected connect's reply
        // to the client, and clients of the live audio protocol read JSON.
        endpoints.MapHttpFunction(Events, HandleAsync).WithMetadata(JsonByDefault.Instance);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(string hub, HttpContext context, WebPubSubEventHandler handler) =>
        HttpMethods.IsOptions(context.Request.Method) ? handler.Handshake(context) : await handler.HandleAsync(hub, context);
}
