using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// The Azure Web PubSub event handler (section <c>WEBPUBSUB</c>, e.g. <c>WEBPUBSUB__ACCESS_KEY</c>).
/// The handler is enabled by an access key: with none, every event is refused (401) and the
/// abuse-protection handshake is denied, because an upstream that cannot check
/// <c>ce-signature</c> could not tell the service's events from anyone else's.
/// </summary>
public sealed class WebPubSubOptions : IValidatableObject
{
    public const string Section = "WEBPUBSUB";

    /// <summary>The value of <see cref="AllowedOrigins"/> that admits every origin.</summary>
    public const string AnyOrigin = "*";

    /// <summary>The Web PubSub resource's primary access key (the HMAC key of <c>ce-signature</c>).</summary>
    [ConfigurationKeyName("ACCESS_KEY")]
    public string? AccessKey { get; set; }

    /// <summary>
    /// The secondary access key. The service signs every event with both keys, so either one
    /// verifies it; holding both lets a key be regenerated without refusing events meanwhile.
    /// </summary>
    [ConfigurationKeyName("ACCESS_KEY_2")]
    public string? SecondaryAccessKey { get; set; }

    /// <summary>
    /// Host names whose <c>WebHook-Request-Origin</c> the handshake accepts, comma-separated
    /// (e.g. <c>myname.webpubsub.azure.com</c>), or <c>*</c> for any. Required once a key is set.
    /// </summary>
    [ConfigurationKeyName("ALLOWED_ORIGINS")]
    public string? AllowedOrigins { get; set; }

    /// <summary>The hub whose events this app handles; events of any other hub are refused.</summary>
    [ConfigurationKeyName("HUB")]
    [Required(ErrorMessage = "WEBPUBSUB__HUB must name the hub.")]
    [RegularExpression("^[A-Za-z][A-Za-z0-9_]{0,127}$", ErrorMessage = "WEBPUBSUB__HUB must start with a letter and hold letters, digits and underscores only.")]
    public string Hub { get; set; } = "audio";

    /// <summary>
    /// End the session when its Web PubSub connection goes away. Off by default: a dropped
    /// connection leaves the session to be resumed or to expire, as with the WebSocket API.
    /// </summary>
    [ConfigurationKeyName("END_SESSION_ON_DISCONNECT")]
    public bool EndSessionOnDisconnect { get; set; }

    /// <summary>
    /// The Web PubSub resource's endpoint, <c>https://&lt;name&gt;.webpubsub.azure.com</c>: the base of
    /// the data-plane REST API, through which the app sends a new session's greeting when its
    /// connection is established. Without it no greeting is sent (clients still get the session id
    /// in every ack). Scheme and host (and port) only: the API's paths are appended to it.
    /// </summary>
    [ConfigurationKeyName("ENDPOINT")]
    public string? Endpoint { get; set; }

    /// <summary>
    /// Longest one REST call to the service may take, from sending to the response's headers. The
    /// call is made while the service waits for the reply to a <c>connected</c> event, so a slow
    /// service costs the client its greeting, never the connection.
    /// </summary>
    [ConfigurationKeyName("SEND_TIMEOUT_S")]
    [Range(0.1, 60)]
    public double SendTimeoutSeconds { get; set; } = 5;

    public TimeSpan SendTimeout => TimeSpan.FromSeconds(SendTimeoutSeconds);

    /// <summary><see cref="Endpoint"/> as a URI, or null when none is set (or it is malformed, which validation refuses at start).</summary>
    public Uri? EndpointUri => TryReadEndpoint(Endpoint, out var endpoint, out _) ? endpoint : null;

    /// <summary>Whether any access key is configured; without one every event is refused.</summary>
    public bool IsEnabled => AccessKeys.Count > 0;

    /// <summary>The configured access keys, primary first.</summary>
    public IReadOnlyList<string> AccessKeys =>
        new[] { AccessKey, SecondaryAccessKey }.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k!.Trim()).ToArray();

    /// <summary>Whether the handshake may grant <paramref name="origin"/> (host names compare case-insensitively).</summary>
    public bool AllowsOrigin(string origin)
    {
        foreach (var allowed in ParsedOrigins())
        {
            if (allowed == AnyOrigin || string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Endpoint) && !TryReadEndpoint(Endpoint, out _, out var endpointError))
            yield return new ValidationResult($"WEBPUBSUB__ENDPOINT {endpointError}", [nameof(Endpoint)]);
        if (!IsEnabled)
            yield break;
        var origins = ParsedOrigins().ToList();
        if (origins.Count == 0)
            yield return new ValidationResult(
                "WEBPUBSUB__ALLOWED_ORIGINS must name the Web PubSub host (e.g. myname.webpubsub.azure.com) or be * once an access key is set.",
                [nameof(AllowedOrigins)]);
        else if (origins.Contains(AnyOrigin) && origins.Count > 1)
            yield return new ValidationResult("WEBPUBSUB__ALLOWED_ORIGINS is either * or a list of host names, not both.", [nameof(AllowedOrigins)]);
    }

    /// <summary>
    /// Reads an endpoint: an absolute http or https URI with nothing past the authority but an
    /// optional "/". Null or blank is no endpoint (false, no error).
    /// </summary>
    private static bool TryReadEndpoint(string? value, out Uri? endpoint, out string? error)
    {
        endpoint = null;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
            return false;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            error = $"'{value}' is not an http(s) URL such as https://myname.webpubsub.azure.com.";
        else if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            error = $"'{value}' must name the service alone (scheme and host, e.g. https://myname.webpubsub.azure.com), without a path, query or credentials.";
        else
            endpoint = uri;
        return endpoint is not null;
    }

    private IEnumerable<string> ParsedOrigins() =>
        (AllowedOrigins ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
