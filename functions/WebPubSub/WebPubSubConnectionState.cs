using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// What the handler keeps on a Web PubSub connection: the session it streams to, in the
/// <c>ce-connectionState</c> header. The service stores the value the <c>connect</c> reply sets and
/// sends it back with every later event of that connection, so any instance of the app can serve
/// them without holding connections in memory. Per reference-cloud-events the value is one
/// header, base64 when it holds more than plain characters; it is base64 of
/// <c>{"sessionId":"…"}</c>, as the docs' own example encodes JSON state.
/// </summary>
public static class WebPubSubConnectionState
{
    private const string SessionIdProperty = "sessionId";

    /// <summary>Longest state value read; a session id is a few dozen characters.</summary>
    private const int MaxStateChars = 1024;

    public static string Encode(string sessionId)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(SessionIdProperty, sessionId);
            writer.WriteEndObject();
        }
        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>The session id in a state <see cref="Encode"/> wrote; false for no state or any other value.</summary>
    public static bool TryDecode(string? state, out string sessionId)
    {
        sessionId = "";
        if (string.IsNullOrEmpty(state) || state.Length > MaxStateChars)
            return false;
        Span<byte> json = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(MaxStateChars)];
        if (!Convert.TryFromBase64String(state, json, out var length))
            return false;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            string? found = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSessionId = reader.ValueTextEquals(SessionIdProperty);
                if (!reader.Read())
                    return false;
                if (isSessionId && reader.TokenType == JsonTokenType.String)
                    found = reader.GetString();
                else
                    reader.Skip();
            }
            if (reader.TokenType != JsonTokenType.EndObject || string.IsNullOrEmpty(found))
                return false;
            sessionId = found;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
