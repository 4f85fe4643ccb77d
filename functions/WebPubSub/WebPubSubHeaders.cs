namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// Header names of Web PubSub's upstream calls: CloudEvents in binary mode, so every attribute is
/// a <c>ce-</c> header and the body is the event's data alone (reference-cloud-events), plus the
/// CloudEvents webhook abuse-protection headers.
/// </summary>
public static class WebPubSubHeaders
{
    public const string SpecVersion = "ce-specversion";
    public const string Type = "ce-type";
    public const string Source = "ce-source";
    public const string Id = "ce-id";
    public const string Time = "ce-time";
    public const string Hub = "ce-hub";
    public const string ConnectionId = "ce-connectionId";
    public const string UserId = "ce-userId";
    public const string EventName = "ce-eventName";
    public const string Signature = "ce-signature";

    /// <summary>
    /// Sent with every event once set; a reply to a blocking event (<c>connect</c>, user events)
    /// that carries it replaces the connection's state. One header only.
    /// </summary>
    public const string ConnectionState = "ce-connectionState";

    /// <summary>The service's host name, on the OPTIONS handshake and on every event.</summary>
    public const string RequestOrigin = "WebHook-Request-Origin";

    /// <summary>The handshake reply's consent: the requesting origin or <c>*</c>. Its absence is a refusal.</summary>
    public const string AllowedOrigin = "WebHook-Allowed-Origin";

    /// <summary>
    /// Requests per minute the handshake grants (<c>*</c>: no limit). The CloudEvents webhook
    /// spec asks for it; Web PubSub ignores it (it does not implement request rates).
    /// </summary>
    public const string AllowedRate = "WebHook-Allowed-Rate";
}
