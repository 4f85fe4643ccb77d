namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// A reply to Web PubSub: a status, optionally a body (which the service relays to the client for
/// blocking events) and optionally the connection's new <c>ce-connectionState</c>.
/// </summary>
public sealed class WebPubSubReply(int statusCode, ReadOnlyMemory<byte> body = default, string? contentType = null, string? connectionState = null)
    : IResult, IStatusCodeHttpResult
{
    public int? StatusCode { get; } = statusCode;

    public static WebPubSubReply NoContent(string? connectionState = null) =>
        new(StatusCodes.Status204NoContent, connectionState: connectionState);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        if (connectionState is not null)
            response.Headers[WebPubSubHeaders.ConnectionState] = connectionState;
        if (body.IsEmpty)
            return;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
