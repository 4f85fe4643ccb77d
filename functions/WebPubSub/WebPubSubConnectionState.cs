using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// What the handler keeps on a Web PubSub connection: the session it streams to and, for a
/// connection that opened a new session, that a greeting is owed to it, in the
/// <c>ce-connectionState</c> header. The service stores the value the <c>connect</c> reply sets and
/// sends it back with every later event of that connection, so any instance of the app can serve
/// them without holding connections in memory. Per reference-cloud-events the value is one
/// header, base64 when it holds more than plain characters; it is base64 of
/// <c>{"sessionId":"…"}</c>, as the docs' own example encodes JSON state, with
/// <c>"greet":true</c> added for a new session. Only the fact is kept, never the message: the
/// signature covers the connection id alone, so the state must not be able to make the app send
/// a client anything but the greeting it builds itself.
/// </summary>
/// <remarks>
/// The flag stays in the state after the greeting is sent: "only blocking events can update the
/// connection state" (reference-cloud-events), and <c>connected</c>, the one event that reads it,
/// is not blocking. It comes once per connection, so the greeting is sent once.
/// </remarks>
public static class WebPubSubConnectionState
{
    private const string SessionIdProperty = "sessionId";
    private const string GreetProperty = "greet";

    /// <summary>Longest state value read; a session id is a few dozen characters.</summary>
    private const int MaxStateChars = 1024;

    /// <summary>
    /// The state of a connection streaming to <paramref name="sessionId"/>; <paramref name="greet"/>
    /// when the connection opened a new session and is owed its greeting.
    /// </summary>
    public static string Encode(string sessionId, bool greet = false)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(SessionIdProperty, sessionId);
            if (greet)
                writer.WriteBoolean(GreetProperty, true);
            writer.WriteEndObject();
        }
        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>The session id in a state <see cref="Encode"/> wrote; false for no state or any other value.</summary>
    public static bool TryDecode(string? state, out string sessionId) => TryDecode(state, out sessionId, out _);

    /// <summary>
    /// The session id, and whether a greeting is owed (<c>"greet": true</c>), in a state
    /// <see cref="Encode"/> wrote; false for no state or any other value.
    /// </summary>
    public static bool TryDecode(string? state, out string sessionId, out bool greet)
    {
        sessionId = "";
        greet = false;
        if (string.IsNullOrEmpty(state) || state.Length > MaxStateChars)
            return false;
        Span<byte> json = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(MaxStateChars)];
        if (!Convert.TryFromBase64String(state, json, out var length))
            return false;
        json = json[..length];
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            string? found = null;
            var foundGreet = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSessionId = reader.ValueTextEquals(SessionIdProperty);
                var isGreet = reader.ValueTextEquals(GreetProperty);
                if (!reader.Read())
                    return false;
                if (isSessionId && reader.TokenType == JsonTokenType.String)
                    found = reader.GetString();
                else if (isGreet)
                    foundGreet = reader.TokenType == JsonTokenType.True;
                else
                    reader.Skip();
            }
            if (reader.TokenType != JsonTokenType.EndObject || string.IsNullOrEmpty(found))
                return false;
            sessionId = found;
            greet = foundGreet;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
