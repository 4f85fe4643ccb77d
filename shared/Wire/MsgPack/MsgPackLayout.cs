using System.Buffers.Binary;

namespace AudioFunctions.Wire.MsgPack;

/// <summary>
/// The msgpack format table: what family a first byte belongs to and how many bytes the item it starts occupies.
/// Kept apart from <see cref="MsgPackReader"/> so the reader reads as a list of typed operations.
/// </summary>
internal static class MsgPackLayout
{
    /// <summary>The family of the item whose first byte is <paramref name="code"/>.</summary>
    /// <exception cref="MsgPackFormatException"><paramref name="code"/> is 0xc1, which the spec never uses.</exception>
    public static MsgPackType Classify(byte code, int offset) => code switch
    {
        <= 0x7f or >= 0xe0 => MsgPackType.Integer,
        <= 0x8f => MsgPackType.Map,
        <= 0x9f => MsgPackType.Array,
        <= 0xbf => MsgPackType.String,
        0xc0 => MsgPackType.Nil,
        0xc1 => throw NeverUsed(offset),
        <= 0xc3 => MsgPackType.Boolean,
        <= 0xc6 => MsgPackType.Binary,
        <= 0xc9 => MsgPackType.Extension,
        <= 0xcb => MsgPackType.Float,
        <= 0xd3 => MsgPackType.Integer,
        <= 0xd8 => MsgPackType.Extension,
        <= 0xdb => MsgPackType.String,
        <= 0xdd => MsgPackType.Array,
        _ => MsgPackType.Map,
    };

    /// <summary>The family's name as it appears in error messages ("expected integer, found string").</summary>
    public static string Describe(MsgPackType type) => type switch
    {
        MsgPackType.Nil => "nil",
        MsgPackType.Boolean => "boolean",
        MsgPackType.Integer => "integer",
        MsgPackType.Float => "float",
        MsgPackType.String => "string",
        MsgPackType.Binary => "binary",
        MsgPackType.Array => "array",
        MsgPackType.Map => "map",
        _ => "extension",
    };

    /// <summary>
    /// Measures the item starting at <paramref name="position"/> (which must be inside <paramref name="buffer"/>)
    /// without reading its children. False when the buffer ends before the header, or before the payload of a
    /// str/bin/ext item, is complete.
    /// </summary>
    /// <param name="buffer">The whole input; only bytes from <paramref name="position"/> on are looked at.</param>
    /// <param name="position">Offset of the item's first byte.</param>
    /// <param name="headerSize">
    /// Bytes before the payload. For nil, booleans, numbers and fixints the whole item; for ext it includes the type
    /// byte, which is the header's last byte.
    /// </param>
    /// <param name="length">
    /// Payload bytes for str, bin and ext; element count for arrays; pair count for maps; 0 otherwise.
    /// </param>
    public static bool TryMeasure(ReadOnlySpan<byte> buffer, int position, out int headerSize, out uint length)
    {
        byte code = buffer[position];
        int lengthWidth = 0;
        bool lengthIsPayload = false;
        length = 0;
        switch (code)
        {
            case <= 0x7f or >= 0xe0 or 0xc0 or 0xc2 or 0xc3:
                headerSize = 1;
                break;
            case <= 0x9f:
                // fixmap 0x80..0x8f and fixarray 0x90..0x9f keep the count in the low nibble.
                headerSize = 1;
                length = code & 0x0fu;
                break;
            case <= 0xbf:
                headerSize = 1;
                length = code & 0x1fu;
                lengthIsPayload = true;
                break;
            case 0xc4 or 0xd9:
                (headerSize, lengthWidth, lengthIsPayload) = (2, 1, true);
                break;
            case 0xc5 or 0xda:
                (headerSize, lengthWidth, lengthIsPayload) = (3, 2, true);
                break;
            case 0xc6 or 0xdb:
                (headerSize, lengthWidth, lengthIsPayload) = (5, 4, true);
                break;
            case 0xc7 or 0xc8 or 0xc9:
                // ext8/16/32: code, length of width 1/2/4, then the type byte.
                lengthWidth = 1 << (code - 0xc7);
                (headerSize, lengthIsPayload) = (2 + lengthWidth, true);
                break;
            case 0xca:
                headerSize = 5;
                break;
            case 0xcb:
                headerSize = 9;
                break;
            case >= 0xcc and <= 0xd3:
                // uint8..uint64 (0xcc..0xcf) and int8..int64 (0xd0..0xd3) carry 1, 2, 4, 8 value bytes.
                headerSize = 1 + (1 << ((code - 0xcc) & 3));
                break;
            case >= 0xd4 and <= 0xd8:
                // fixext1..16: code, type byte, then 1, 2, 4, 8 or 16 data bytes.
                (headerSize, length, lengthIsPayload) = (2, 1u << (code - 0xd4), true);
                break;
            case 0xdc or 0xde:
                (headerSize, lengthWidth) = (3, 2);
                break;
            case 0xdd or 0xdf:
                (headerSize, lengthWidth) = (5, 4);
                break;
            default:
                throw NeverUsed(position);
        }

        int available = buffer.Length - position;
        if (available < headerSize)
        {
            return false;
        }

        if (lengthWidth != 0)
        {
            ReadOnlySpan<byte> field = buffer.Slice(position + 1, lengthWidth);
            length = lengthWidth switch
            {
                1 => field[0],
                2 => BinaryPrimitives.ReadUInt16BigEndian(field),
                _ => BinaryPrimitives.ReadUInt32BigEndian(field),
            };
        }

        // Compared as unsigned so a declared 4 GiB payload is "need more bytes", never an overflowed int.
        return !lengthIsPayload || length <= (uint)(available - headerSize);
    }

    /// <summary>
    /// Finds where the value starting at <paramref name="position"/> ends, children included, without recursion: a
    /// counter of items still to visit replaces the call stack, so nesting depth costs nothing. False when the buffer
    /// ends first.
    /// </summary>
    /// <param name="buffer">The whole input.</param>
    /// <param name="position">Offset of the value's first byte.</param>
    /// <param name="end">Offset just past the value.</param>
    public static bool TryFindEndOfValue(ReadOnlySpan<byte> buffer, int position, out int end)
    {
        end = 0;
        int cursor = position;

        // Items still to visit; a map pair counts as two.
        long pending = 1;
        while (pending > 0)
        {
            // Every pending item needs at least one byte, so more items than bytes left can only mean truncation.
            // Checking here also stops a hostile 2^32-element header from making the loop spin.
            if (pending > buffer.Length - cursor)
            {
                return false;
            }

            if (!TryMeasure(buffer, cursor, out int headerSize, out uint length))
            {
                return false;
            }

            pending--;
            switch (Classify(buffer[cursor], cursor))
            {
                case MsgPackType.Array:
                    pending += length;
                    cursor += headerSize;
                    break;
                case MsgPackType.Map:
                    pending += 2L * length;
                    cursor += headerSize;
                    break;
                case MsgPackType.String or MsgPackType.Binary or MsgPackType.Extension:
                    cursor += headerSize + (int)length;
                    break;
                default:
                    cursor += headerSize;
                    break;
            }
        }

        end = cursor;
        return true;
    }

    /// <summary>
    /// Decodes the integer item whose first byte is <paramref name="code"/> and whose value bytes (after the code)
    /// are <paramref name="value"/>. Signed encodings come back sign-extended to 64 bits with
    /// <paramref name="isSigned"/> set, so the caller can tell -1 from <see cref="ulong.MaxValue"/>.
    /// </summary>
    public static ulong DecodeInteger(byte code, ReadOnlySpan<byte> value, out bool isSigned)
    {
        isSigned = code >= 0xd0;
        return code switch
        {
            <= 0x7f => code,
            >= 0xe0 => (ulong)(sbyte)code,
            0xcc => value[0],
            0xcd => BinaryPrimitives.ReadUInt16BigEndian(value),
            0xce => BinaryPrimitives.ReadUInt32BigEndian(value),
            0xcf => BinaryPrimitives.ReadUInt64BigEndian(value),
            0xd0 => (ulong)(sbyte)value[0],
            0xd1 => (ulong)BinaryPrimitives.ReadInt16BigEndian(value),
            0xd2 => (ulong)BinaryPrimitives.ReadInt32BigEndian(value),
            _ => (ulong)BinaryPrimitives.ReadInt64BigEndian(value),
        };
    }

    private static MsgPackFormatException NeverUsed(int offset) =>
        new("format byte 0xc1 is never used in msgpack", offset);
}
