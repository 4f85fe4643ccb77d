namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// The <c>ce-type</c> values this handler serves (reference-cloud-events). <c>connect</c> and user
/// events are blocking: the service waits for the reply, and the reply reaches the client.
/// <c>connected</c> and <c>disconnected</c> are not: the service only logs a failed reply.
/// </summary>
public static class WebPubSubEventTypes
{
    /// <summary>A client asks to connect; 2xx accepts it, 4xx rejects its handshake with that reply.</summary>
    public const string Connect = "azure.webpubsub.sys.connect";

    /// <summary>The WebSocket handshake completed; body <c>{}</c>.</summary>
    public const string Connected = "azure.webpubsub.sys.connected";

    /// <summary>
    /// The connection is gone; body <c>{"reason": …}</c>. Sent for every connection whose
    /// <c>connect</c> was answered 2xx.
    /// </summary>
    public const string Disconnected = "azure.webpubsub.sys.disconnected";

    /// <summary>
    /// One WebSocket frame of a simple (no subprotocol) client: <c>application/octet-stream</c>
    /// for a binary frame, <c>text/plain</c> for a text frame.
    /// </summary>
    public const string Message = "azure.webpubsub.user.message";
}
