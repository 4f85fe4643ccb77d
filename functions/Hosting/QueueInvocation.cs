using System.Text.Json;

namespace AudioFunctions.Functions.Hosting;

/// <summary>
/// A queue-trigger invocation as the Functions host posts it to a custom handler:
/// <c>{"Data":{"message":…},"Metadata":{"DequeueCount":…,…}}</c>. The message arrives as a JSON
/// string, or as the JSON value itself when its text is JSON; both give the same text here.
/// </summary>
public sealed record QueueInvocation(string Message, int DequeueCount)
{
    public static QueueInvocation Parse(JsonElement body, string bindingName)
    {
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty(bindingName, out var message))
            throw new FormatException($"A queue invocation needs Data.{bindingName}.");
        var text = message.ValueKind == JsonValueKind.String ? message.GetString()! : message.GetRawText();

        var dequeueCount = 1;
        if (body.TryGetProperty("Metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("DequeueCount", out var count))
        {
            dequeueCount = count.ValueKind switch
            {
                JsonValueKind.Number => count.GetInt32(),
                JsonValueKind.String when int.TryParse(count.GetString(), out var parsed) => parsed,
                _ => 1,
            };
        }
        return new QueueInvocation(text, dequeueCount);
    }
}
