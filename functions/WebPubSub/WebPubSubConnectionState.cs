using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// What the handler keeps on a Web PubSub connection: the session it streams to and, for a
/// connection that opened a new session, the greeting still owed to it, in the
/// <c>ce-connectionState</c> header. The service stores the value the <c>connect</c> reply sets and
/// sends it back with every later event of that connection, so any instance of the app can serve
/// them without holding connections in memory. Per reference-cloud-events the value is one
/// header, base64 when it holds more than plain characters; it is base64 of
/// <c>{"sessionId":"…"}</c>, as the docs' own example encodes JSON state, with
/// <c>"greeting":{…}</c> (the protocol's greeting message, verbatim) added for a new session.
/// </summary>
/// <remarks>
/// The greeting stays in the state after it is sent: "only blocking events can update the
/// connection state" (reference-cloud-events), and <c>connected</c>, the one event that reads it,
/// is not blocking. It comes once per connection, so the greeting is sent once. The state travels
/// with every frame's event; a greeting is about a hundred bytes.
/// </remarks>
public static class WebPubSubConnectionState
{
    private const string SessionIdProperty = "sessionId";
    private const string GreetingProperty = "greeting";

    /// <summary>Longest state value read; a session id is a few dozen characters, a greeting about a hundred.</summary>
    private const int MaxStateChars = 1024;

    /// <summary>
    /// The state of a connection streaming to <paramref name="sessionId"/>. <paramref name="greeting"/>
    /// (a JSON object, UTF-8) is the message owed to a connection that opened a new session, or
    /// null when the connection joined an existing one.
    /// </summary>
    public static string Encode(string sessionId, byte[]? greeting = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(SessionIdProperty, sessionId);
            if (greeting is not null)
            {
                writer.WritePropertyName(GreetingProperty);
                // Checked as JSON here, so that a state this app wrote always reads back.
                writer.WriteRawValue(greeting, skipInputValidation: false);
            }
            writer.WriteEndObject();
        }
        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>The session id in a state <see cref="Encode"/> wrote; false for no state or any other value.</summary>
    public static bool TryDecode(string? state, out string sessionId) => TryDecode(state, out sessionId, out _);

    /// <summary>
    /// The session id and the pending greeting (null when there is none) in a state
    /// <see cref="Encode"/> wrote; false for no state or any other value. A <c>greeting</c> that is
    /// not a JSON object is no greeting.
    /// </summary>
    public static bool TryDecode(string? state, out string sessionId, out byte[]? greeting)
    {
        sessionId = "";
        greeting = null;
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
            byte[]? foundGreeting = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSessionId = reader.ValueTextEquals(SessionIdProperty);
                var isGreeting = reader.ValueTextEquals(GreetingProperty);
                if (!reader.Read())
                    return false;
                if (isSessionId && reader.TokenType == JsonTokenType.String)
                {
                    found = reader.GetString();
                }
                else if (isGreeting && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    foundGreeting = json[start..(int)reader.BytesConsumed].ToArray();
                }
                else
                {
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || string.IsNullOrEmpty(found))
                return false;
            sessionId = found;
            greeting = foundGreeting;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
