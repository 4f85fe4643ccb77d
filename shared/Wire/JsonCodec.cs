using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AudioFunctions.Wire;

/// <summary>Converts between UTF-8 JSON bodies and <see cref="WireValue"/> trees.</summary>
/// <remarks>
/// JSON carries less than msgpack: binary is written as a base64 string and read back as a String, and a float with
/// an integral value is written without a fraction and read back as an Integer.
/// </remarks>
public static class JsonCodec
{
    // More than WireRules.MaxDepth so our own check, with its plainer message, fires before the reader's.
    private static readonly JsonReaderOptions _readerOptions = new() { MaxDepth = WireRules.MaxDepth * 2 };

    /// <summary>
    /// Parses a body holding exactly one JSON value (a UTF-8 byte order mark is skipped). An integer literal that fits
    /// a long or ulong becomes an Integer, any other number a Float. Object keys must be distinct and containers may
    /// nest 64 levels, as for msgpack.
    /// </summary>
    /// <exception cref="WireFormatException">The body is empty, not valid JSON, or breaks one of the rules above.</exception>
    public static WireValue Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.IsEmpty)
        {
            throw new WireFormatException("JSON body is empty");
        }

        var reader = new Utf8JsonReader(utf8Json, _readerOptions);
        try
        {
            Advance(ref reader);
            WireValue value = ReadValue(ref reader, depth: 0);

            // The reader refuses a second top-level value itself (it throws); anything else left is only whitespace.
            if (reader.Read())
            {
                throw new WireFormatException(At("unexpected data after the JSON value", reader.TokenStartIndex));
            }

            return value;
        }
        catch (JsonException ex)
        {
            throw new WireFormatException($"JSON body is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>Appends <paramref name="value"/> to <paramref name="output"/> as compact UTF-8 JSON.</summary>
    /// <exception cref="InvalidOperationException">
    /// The tree holds a NaN or infinite float, which JSON cannot carry, or nests deeper than 64 levels.
    /// <paramref name="output"/> may then hold a partial document.
    /// </exception>
    public static void Write(WireValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        // API bodies are served as application/json, never embedded in HTML, so only what JSON
        // itself requires is escaped ("Track 'x'" stays readable).
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        WriteValue(writer, value, depth: 0);
        writer.Flush();
    }

    /// <inheritdoc cref="Write"/>
    /// <returns>A new array holding exactly the UTF-8 JSON text.</returns>
    public static byte[] Serialize(WireValue value)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(value, output);
        return output.WrittenSpan.ToArray();
    }

    // The reader sits on the value's first token; on return it sits on the value's last token.
    // depth counts the containers around the value; recursion is bounded by WireRules.MaxDepth.
    private static WireValue ReadValue(ref Utf8JsonReader reader, int depth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return WireValue.Nil;
            case JsonTokenType.True:
                return WireValue.Boolean(true);
            case JsonTokenType.False:
                return WireValue.Boolean(false);
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.String:
                return WireValue.FromParsedString(ReadString(ref reader));
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, depth);
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, depth);
            default:
                // Unreachable for input the reader accepted (it rejects stray tokens itself); kept so a surprise is
                // still reported as a bad body rather than a crash.
                throw new WireFormatException(At($"unexpected JSON token {reader.TokenType}", reader.TokenStartIndex));
        }
    }

    private static WireValue ReadNumber(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out long signed))
        {
            return WireValue.Integer(signed);
        }

        if (reader.TryGetUInt64(out ulong unsigned))
        {
            return WireValue.Integer(unsigned);
        }

        // A literal beyond double's range (1e400) comes back as infinity, which JSON could never have meant.
        return reader.TryGetDouble(out double number) && double.IsFinite(number)
            ? WireValue.Float(number)
            : throw new WireFormatException(At("JSON number is out of range", reader.TokenStartIndex));
    }

    private static WireValue ReadArray(ref Utf8JsonReader reader, int depth)
    {
        if (depth >= WireRules.MaxDepth)
        {
            throw new WireFormatException(At(WireRules.NestingTooDeep, reader.TokenStartIndex));
        }

        var items = new List<WireValue>();
        while (Advance(ref reader) != JsonTokenType.EndArray)
        {
            items.Add(ReadValue(ref reader, depth + 1));
        }

        return WireValue.FromOwnedItems(items.ToArray());
    }

    private static WireValue ReadObject(ref Utf8JsonReader reader, int depth)
    {
        if (depth >= WireRules.MaxDepth)
        {
            throw new WireFormatException(At(WireRules.NestingTooDeep, reader.TokenStartIndex));
        }

        var entries = new List<KeyValuePair<string, WireValue>>();
        var keys = default(MapKeyTracker);

        // The reader guarantees property names and values alternate inside an object, so after a PropertyName the
        // next Read lands on its value.
        while (Advance(ref reader) == JsonTokenType.PropertyName)
        {
            long keyStart = reader.TokenStartIndex;
            string key = ReadString(ref reader);
            if (!keys.TryAdd(CollectionsMarshal.AsSpan(entries), key))
            {
                throw new WireFormatException(At(WireRules.DuplicateKey(key), keyStart));
            }

            Advance(ref reader);
            entries.Add(new KeyValuePair<string, WireValue>(key, ReadValue(ref reader, depth + 1)));
        }

        return WireValue.FromOwnedEntries(entries.ToArray());
    }

    // With the whole body as the final block the reader throws on premature end rather than returning false;
    // the check is what keeps a false from being misread as a complete value.
    private static JsonTokenType Advance(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new WireFormatException("JSON body is truncated");

    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // GetString refuses invalid UTF-8 and escapes that decode to unpaired surrogates.
            throw new WireFormatException(
                At("JSON string is not valid UTF-8 or has an invalid escape", reader.TokenStartIndex), ex);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, WireValue value, int depth)
    {
        switch (value.Kind)
        {
            case WireKind.Nil:
                writer.WriteNullValue();
                break;
            case WireKind.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                break;
            case WireKind.Integer when value.IsAboveInt64:
                writer.WriteNumberValue(value.RawBits);
                break;
            case WireKind.Integer:
                writer.WriteNumberValue((long)value.RawBits);
                break;
            case WireKind.Float:
                WriteFloat(writer, value);
                break;
            case WireKind.String:
                writer.WriteStringValue(value.AsString());
                break;
            case WireKind.Binary:
                writer.WriteBase64StringValue(value.AsBinary().Span);
                break;
            case WireKind.Array:
                EnsureWritableDepth(depth);
                writer.WriteStartArray();
                foreach (WireValue item in value.Items)
                {
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                EnsureWritableDepth(depth);
                writer.WriteStartObject();
                foreach (KeyValuePair<string, WireValue> entry in value.Entries)
                {
                    writer.WritePropertyName(entry.Key);
                    WriteValue(writer, entry.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, WireValue value)
    {
        double number = value.FloatValue;
        if (!double.IsFinite(number))
        {
            throw new InvalidOperationException($"JSON cannot carry the float {number.ToString(CultureInfo.InvariantCulture)}");
        }

        // A float32 goes out through the float overload so the text is the shortest that round-trips the float,
        // e.g. 0.1f as "0.1" rather than the double expansion "0.10000000149011612".
        if (value.IsFloat32)
        {
            writer.WriteNumberValue((float)number);
        }
        else
        {
            writer.WriteNumberValue(number);
        }
    }

    private static void EnsureWritableDepth(int depth)
    {
        if (depth >= WireRules.MaxDepth)
        {
            throw new InvalidOperationException($"the value has {WireRules.NestingTooDeep} and could not be parsed back");
        }
    }

    private static string At(string problem, long offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{problem} at offset {offset}");
}
