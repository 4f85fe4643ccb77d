namespace AudioFunctions.Functions.Http;

/// <summary>
/// Endpoint metadata: answer JSON when the request names no format. The reference WebSocket API's
/// HTTP endpoints are JSON-only; the stream API defaults to msgpack like the reference sidecar.
/// </summary>
public sealed class JsonByDefault
{
    public static readonly JsonByDefault Instance = new();

    private JsonByDefault()
    {
    }
}
