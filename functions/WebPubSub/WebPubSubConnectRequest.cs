using System.Text.Json;
using AudioFunctions.Errors;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// The body of a <c>connect</c> event: <c>{"claims", "query", "headers", "subprotocols",
/// "clientCertificates"}</c> (reference-cloud-events). Only <c>query</c> matters here: the query
/// string of the client's connect URL, each key mapped to an array of its values, which carries
/// the same parameters as the WebSocket API's URL (<c>session_id</c>, <c>user_id</c>,
/// <c>sample_rate</c>, …).
/// </summary>
public static class WebPubSubConnectRequest
{
    /// <summary>
    /// The query, each key with its first value, as the WebSocket endpoint reads its URL (keys
    /// compared ordinally). A key given with no value maps to "". Throws a 400
    /// <see cref="ServiceException"/> for a body that is not this shape.
    /// </summary>
    public static Dictionary<string, string> ReadQuery(ReadOnlyMemory<byte> body)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.IsEmpty)
            return query;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            throw Malformed($"the body is not JSON ({exception.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Malformed("the body is not a JSON object");
            if (!document.RootElement.TryGetProperty("query", out var values) || values.ValueKind == JsonValueKind.Null)
                return query;
            if (values.ValueKind != JsonValueKind.Object)
                throw Malformed("\"query\" is not an object");
            foreach (var parameter in values.EnumerateObject())
            {
                var first = parameter.Value.ValueKind switch
                {
                    JsonValueKind.Array => parameter.Value.GetArrayLength() == 0 ? "" : StringOf(parameter.Name, parameter.Value[0]),
                    _ => StringOf(parameter.Name, parameter.Value),
                };
                query.TryAdd(parameter.Name, first);
            }
        }
        return query;
    }

    private static string StringOf(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Malformed($"query parameter \"{name}\" holds a {value.ValueKind}, not a string");

    private static ServiceException Malformed(string what) =>
        ServiceException.BadRequest(ErrorCodes.MalformedBody, $"Malformed connect event: {what}.");
}
