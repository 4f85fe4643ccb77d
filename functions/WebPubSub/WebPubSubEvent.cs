using Microsoft.Extensions.Primitives;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>The CloudEvent attributes of one upstream call that the handler acts on.</summary>
/// <param name="Type"><c>ce-type</c>, one of <see cref="WebPubSubEventTypes"/> when served.</param>
/// <param name="Hub"><c>ce-hub</c>.</param>
/// <param name="ConnectionId"><c>ce-connectionId</c>: unique per client connection, and what <c>ce-signature</c> signs.</param>
/// <param name="UserId"><c>ce-userId</c>: the user the client's access token names, or null for an anonymous connection.</param>
/// <param name="ConnectionState"><c>ce-connectionState</c> as set by an earlier reply, or null.</param>
public sealed record WebPubSubEvent(string Type, string Hub, string ConnectionId, string? UserId, string? ConnectionState)
{
    /// <summary>Reads the attributes; false with <paramref name="error"/> naming what is missing or repeated.</summary>
    public static bool TryRead(IHeaderDictionary headers, out WebPubSubEvent? webPubSubEvent, out string? error)
    {
        webPubSubEvent = null;
        if (!TrySingle(headers, WebPubSubHeaders.Type, required: true, out var type, out error)
            || !TrySingle(headers, WebPubSubHeaders.Hub, required: true, out var hub, out error)
            || !TrySingle(headers, WebPubSubHeaders.ConnectionId, required: true, out var connectionId, out error)
            || !TrySingle(headers, WebPubSubHeaders.UserId, required: false, out var userId, out error)
            // The docs allow one connectionState header; two would leave the session ambiguous.
            || !TrySingle(headers, WebPubSubHeaders.ConnectionState, required: false, out var state, out error))
            return false;
        webPubSubEvent = new WebPubSubEvent(type!, hub!, connectionId!, userId, state);
        return true;
    }

    private static bool TrySingle(IHeaderDictionary headers, string name, bool required, out string? value, out string? error)
    {
        value = null;
        error = null;
        var values = headers[name];
        if (values.Count > 1)
        {
            error = $"The {name} header appears {values.Count} times; a CloudEvent attribute has one value.";
            return false;
        }
        value = StringValues.IsNullOrEmpty(values) ? null : values.ToString();
        if (required && string.IsNullOrWhiteSpace(value))
        {
            error = $"The {name} header is missing; Web PubSub sends it with every event.";
            return false;
        }
        return true;
    }
}
