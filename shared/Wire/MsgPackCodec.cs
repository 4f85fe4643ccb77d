using System.Buffers;
using AudioFunctions.Wire.MsgPack;

namespace AudioFunctions.Wire;

/// <summary>Converts between msgpack bodies and <see cref="WireValue"/> trees.</summary>
public static class MsgPackCodec
{
    /// <summary>
    /// Parses a body holding exactly one msgpack value. Map keys must be strings and distinct; containers may nest
    /// 64 levels; extension types are refused. Every declared length or count is checked against the bytes left
    /// before anything is allocated for it, so a short body claiming a huge array fails fast and allocates nothing.
    /// </summary>
    /// <param name="body">The whole body; the returned tree copies what it needs and does not alias it.</param>
    /// <exception cref="WireFormatException">
    /// The body is empty, truncated, malformed, or breaks one of the rules above. No other exception type is thrown
    /// for bad input.
    /// </exception>
    public static WireValue Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new WireFormatException("msgpack body is empty");
        }

        var reader = new MsgPackReader(body);
        WireValue value = ReadValue(ref reader, body.Length, depth: 0);
        if (reader.Consumed != body.Length)
        {
            throw new MsgPackFormatException("unexpected bytes after the value", reader.Consumed);
        }

        return value;
    }

    /// <summary>Appends <paramref name="value"/> to <paramref name="output"/> in the smallest msgpack encoding.</summary>
    /// <exception cref="InvalidOperationException">
    /// The tree nests deeper than 64 levels, which <see cref="Parse"/> would refuse; <paramref name="output"/> may
    /// then hold a partial value.
    /// </exception>
    public static void Write(WireValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        WriteValue(new MsgPackWriter(output), value, depth: 0);
    }

    /// <inheritdoc cref="Write"/>
    /// <returns>A new array holding exactly the encoded value.</returns>
    public static byte[] Serialize(WireValue value)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(value, output);
        return output.WrittenSpan.ToArray();
    }

    // depth counts the containers around the value being read, so a top-level array is at level depth + 1 = 1.
    // Recursion is bounded by WireRules.MaxDepth, which is what keeps hostile nesting off the stack.
    private static WireValue ReadValue(ref MsgPackReader reader, int bodyLength, int depth)
    {
        int start = reader.Consumed;
        if (!reader.TryPeekType(out MsgPackType type))
        {
            throw Truncated(start);
        }

        switch (type)
        {
            case MsgPackType.Nil:
                return reader.TryReadNil() ? WireValue.Nil : throw Truncated(start);
            case MsgPackType.Boolean:
                return reader.TryReadBoolean(out bool flag) ? WireValue.Boolean(flag) : throw Truncated(start);
            case MsgPackType.Integer:
                return reader.TryReadInteger(out ulong bits, out bool isSigned)
                    ? (isSigned ? WireValue.Integer((long)bits) : WireValue.Integer(bits))
                    : throw Truncated(start);
            case MsgPackType.Float:
                return reader.TryReadFloatBits(out ulong floatBits, out bool isSingle)
                    ? WireValue.FromFloatBits(floatBits, isSingle)
                    : throw Truncated(start);
            case MsgPackType.String:
                return reader.TryReadString(out string? text) ? WireValue.FromParsedString(text) : throw Truncated(start);
            case MsgPackType.Binary:
                // Copied because the body's buffer is typically pooled and reused once the request is done.
                return reader.TryReadBinary(out ReadOnlySpan<byte> data)
                    ? WireValue.Binary(data.ToArray())
                    : throw Truncated(start);
            case MsgPackType.Array:
                return ReadArray(ref reader, bodyLength, depth);
            case MsgPackType.Map:
                return ReadMap(ref reader, bodyLength, depth);
            default:
                throw new MsgPackFormatException("msgpack extension types are not supported", start);
        }
    }

    private static WireValue ReadArray(ref MsgPackReader reader, int bodyLength, int depth)
    {
        int start = reader.Consumed;
        if (!reader.TryReadArrayHeader(out int count))
        {
            throw Truncated(start);
        }

        // Each element takes at least one byte: a count beyond the bytes left is truncation, found before allocating.
        if (count > bodyLength - reader.Consumed)
        {
            throw Truncated(start);
        }

        if (depth >= WireRules.MaxDepth)
        {
            throw new MsgPackFormatException(WireRules.NestingTooDeep, start);
        }

        var items = new WireValue[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = ReadValue(ref reader, bodyLength, depth + 1);
        }

        return WireValue.FromOwnedItems(items);
    }

    private static WireValue ReadMap(ref MsgPackReader reader, int bodyLength, int depth)
    {
        int start = reader.Consumed;
        if (!reader.TryReadMapHeader(out int count))
        {
            throw Truncated(start);
        }

        // A pair takes at least two bytes (a fixstr key and a one-byte value).
        if (2L * count > bodyLength - reader.Consumed)
        {
            throw Truncated(start);
        }

        if (depth >= WireRules.MaxDepth)
        {
            throw new MsgPackFormatException(WireRules.NestingTooDeep, start);
        }

        var entries = new KeyValuePair<string, WireValue>[count];
        var keys = default(MapKeyTracker);
        for (int i = 0; i < entries.Length; i++)
        {
            int keyStart = reader.Consumed;
            if (!reader.TryPeekType(out MsgPackType keyType))
            {
                throw Truncated(keyStart);
            }

            if (keyType != MsgPackType.String)
            {
                throw new MsgPackFormatException("map keys must be strings", keyStart);
            }

            if (!reader.TryReadString(out string? key))
            {
                throw Truncated(keyStart);
            }

            if (!keys.TryAdd(entries.AsSpan(0, i), key))
            {
                throw new MsgPackFormatException(WireRules.DuplicateKey(key), keyStart);
            }

            entries[i] = new KeyValuePair<string, WireValue>(key, ReadValue(ref reader, bodyLength, depth + 1));
        }

        return WireValue.FromOwnedEntries(entries);
    }

    private static void WriteValue(MsgPackWriter writer, WireValue value, int depth)
    {
        switch (value.Kind)
        {
            case WireKind.Nil:
                writer.WriteNil();
                break;
            case WireKind.Boolean:
                writer.WriteBoolean(value.AsBoolean());
                break;
            case WireKind.Integer when value.IsAboveInt64:
                writer.WriteUInt64(value.RawBits);
                break;
            case WireKind.Integer:
                writer.WriteInt64((long)value.RawBits);
                break;
            case WireKind.Float when value.IsFloat32:
                writer.WriteSingle(BitConverter.UInt32BitsToSingle((uint)value.RawBits));
                break;
            case WireKind.Float:
                writer.WriteDouble(BitConverter.UInt64BitsToDouble(value.RawBits));
                break;
            case WireKind.String:
                writer.WriteString(value.AsString());
                break;
            case WireKind.Binary:
                writer.WriteBinary(value.AsBinary().Span);
                break;
            case WireKind.Array:
                EnsureWritableDepth(depth);
                ReadOnlySpan<WireValue> items = value.Items;
                writer.WriteArrayHeader(items.Length);
                for (int i = 0; i < items.Length; i++)
                {
                    WriteValue(writer, items[i], depth + 1);
                }

                break;
            default:
                EnsureWritableDepth(depth);
                ReadOnlySpan<KeyValuePair<string, WireValue>> entries = value.Entries;
                writer.WriteMapHeader(entries.Length);
                for (int i = 0; i < entries.Length; i++)
                {
                    writer.WriteString(entries[i].Key);
                    WriteValue(writer, entries[i].Value, depth + 1);
                }

                break;
        }
    }

    private static void EnsureWritableDepth(int depth)
    {
        if (depth >= WireRules.MaxDepth)
        {
            throw new InvalidOperationException($"the value has {WireRules.NestingTooDeep} and could not be parsed back");
        }
    }

    private static MsgPackFormatException Truncated(int offset) => new("msgpack body is truncated", offset);
}
