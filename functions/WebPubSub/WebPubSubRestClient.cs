using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// The part of Web PubSub's data-plane REST API the app calls: "Send To Connection"
/// (reference-rest-api-data-plane; rest/api/webpubsub/dataplane):
/// <c>POST {endpoint}/api/hubs/{hub}/connections/{connectionId}/:send?api-version=2024-01-01</c>,
/// the message as the body (media types <c>application/octet-stream</c>, <c>text/plain</c>,
/// <c>application/json</c>), answered <c>202 Accepted</c>; any other status is an error, named by
/// the <c>x-ms-error-code</c> header. Authenticated with a JWT signed by the access key
/// (<see cref="WebPubSubAccessToken"/>), the key that also verifies <c>ce-signature</c>.
/// </summary>
/// <remarks>
/// Calls go through the <see cref="IHttpClientFactory"/> client <see cref="HttpClientName"/>,
/// whose timeout is <c>WEBPUBSUB__SEND_TIMEOUT_S</c> and which follows no redirects (the token is
/// bound to the one URL it names). A failed call is logged and reported as false, never thrown:
/// what the app sends this way is a courtesy the client can do without.
/// </remarks>
public sealed partial class WebPubSubRestClient(
    IHttpClientFactory httpClients,
    IOptions<WebPubSubOptions> options,
    TimeProvider clock,
    ILogger<WebPubSubRestClient> logger)
{
    public const string HttpClientName = "WebPubSub";

    /// <summary>The data-plane API version called (GA; the send-to-connection request is the same in every version).</summary>
    public const string ApiVersion = "2024-01-01";

    /// <summary>
    /// The body type of a text message. Per reference-json-webpubsub-subprotocol, data sent to a
    /// connection "through REST API with Content-Type=text/plain" reaches a simple WebSocket client
    /// as "a text WebSocket frame" with the data as is; <c>application/json</c> would also be a text
    /// frame, but re-serialized by the service, and <c>application/octet-stream</c> a binary frame.
    /// </summary>
    public const string TextContentType = "text/plain";

    /// <summary>The header naming a failed call's error.</summary>
    public const string ErrorCodeHeader = "x-ms-error-code";

    /// <summary>Whether an endpoint is configured; without one nothing can be sent.</summary>
    public bool IsConfigured => options.Value.EndpointUri is not null && options.Value.AccessKeys.Count > 0;

    /// <summary>
    /// <c>{endpoint}/api/hubs/{hub}/connections/{connectionId}/:send?api-version=…</c>, the hub and
    /// connection id escaped as path segments.
    /// </summary>
    public static Uri SendToConnectionUri(Uri endpoint, string hub, string connectionId) =>
        new($"{endpoint.GetLeftPart(UriPartial.Authority)}/api/hubs/{Uri.EscapeDataString(hub)}/connections/{Uri.EscapeDataString(connectionId)}/:send?api-version={ApiVersion}");

    /// <summary>
    /// Sends <paramref name="text"/> (UTF-8) to one connection as a text message. True when the
    /// service accepted it (2xx; the docs name 202); false, after logging why, when no endpoint
    /// is configured, the service refused it, or it could not be reached in time.
    /// </summary>
    public async Task<bool> SendTextToConnectionAsync(string hub, string connectionId, ReadOnlyMemory<byte> text, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.EndpointUri is not { } endpoint || settings.AccessKeys.Count == 0)
            return false;

        var uri = SendToConnectionUri(endpoint, hub, connectionId);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            WebPubSubAccessToken.Create(uri, settings.AccessKeys[0], clock.GetUtcNow()));
        request.Content = new ReadOnlyMemoryContent(text);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(TextContentType);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
                return true;
            var errorCode = response.Headers.TryGetValues(ErrorCodeHeader, out var codes) ? string.Join(",", codes) : "";
            SendRefused(logger, connectionId, (int)response.StatusCode, errorCode);
            return false;
        }
        catch (HttpRequestException exception)
        {
            SendFailed(logger, exception, connectionId, exception.Message);
            return false;
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller giving up.
            SendFailed(logger, exception, connectionId, $"no response within {settings.SendTimeoutSeconds} s");
            return false;
        }
    }

    [LoggerMessage(6210, LogLevel.Warning, "Web PubSub refused a message to connection {ConnectionId}: status {Status}, error code '{ErrorCode}'")]
    private static partial void SendRefused(ILogger logger, string connectionId, int status, string errorCode);

    [LoggerMessage(6211, LogLevel.Warning, "Web PubSub could not be reached to send a message to connection {ConnectionId}: {Reason}")]
    private static partial void SendFailed(ILogger logger, Exception exception, string connectionId, string reason);
}
