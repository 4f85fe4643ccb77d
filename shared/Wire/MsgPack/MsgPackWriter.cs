using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AudioFunctions.Wire.MsgPack;

/// <summary>
/// Writes msgpack items into an <see cref="IBufferWriter{T}"/>, always choosing the smallest encoding the spec allows.
/// Each call writes one whole item (or, for arrays and maps, one header: the caller writes the elements next).
/// </summary>
/// <remarks>
/// The writer holds no buffer of its own: every item goes straight into spans obtained from the output, which the
/// caller owns. Multi-byte numbers are big-endian, as the spec requires.
/// </remarks>
public sealed class MsgPackWriter
{
    private const byte NilCode = 0xc0;
    private const byte FalseCode = 0xc2;
    private const byte TrueCode = 0xc3;
    private const byte Bin8 = 0xc4;
    private const byte Bin16 = 0xc5;
    private const byte Bin32 = 0xc6;
    private const byte Float32Code = 0xca;
    private const byte Float64Code = 0xcb;
    private const byte UInt8 = 0xcc;
    private const byte UInt16 = 0xcd;
    private const byte UInt32 = 0xce;
    private const byte UInt64 = 0xcf;
    private const byte Int8 = 0xd0;
    private const byte Int16 = 0xd1;
    private const byte Int32 = 0xd2;
    private const byte Int64 = 0xd3;
    private const byte Str8 = 0xd9;
    private const byte Str16 = 0xda;
    private const byte Str32 = 0xdb;
    private const byte Array16 = 0xdc;
    private const byte Array32 = 0xdd;
    private const byte Map16 = 0xde;
    private const byte Map32 = 0xdf;

    private readonly IBufferWriter<byte> _output;

    /// <param name="output">Receives the encoded bytes; the caller keeps ownership and reads them back.</param>
    public MsgPackWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    public void WriteNil() => WriteCode(NilCode);

    public void WriteBoolean(bool value) => WriteCode(value ? TrueCode : FalseCode);

    /// <summary>
    /// Writes <paramref name="value"/> in the smallest encoding. Non-negative values use the positive fixint or uint
    /// family, as the reference implementations do, so a reader sees the same bytes whichever overload wrote them.
    /// </summary>
    public void WriteInt64(long value)
    {
        if (value >= 0)
        {
            WriteUInt64((ulong)value);
        }
        else if (value >= -32)
        {
            // Negative fixint: 0xe0..0xff is the value's own two's-complement low byte.
            WriteCode((byte)(sbyte)value);
        }
        else if (value >= sbyte.MinValue)
        {
            Span<byte> span = _output.GetSpan(2);
            span[0] = Int8;
            span[1] = (byte)(sbyte)value;
            _output.Advance(2);
        }
        else if (value >= short.MinValue)
        {
            Span<byte> span = _output.GetSpan(3);
            span[0] = Int16;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            _output.Advance(3);
        }
        else if (value >= int.MinValue)
        {
            Span<byte> span = _output.GetSpan(5);
            span[0] = Int32;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            _output.Advance(5);
        }
        else
        {
            Span<byte> span = _output.GetSpan(9);
            span[0] = Int64;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            _output.Advance(9);
        }
    }

    /// <summary>Writes <paramref name="value"/> as a positive fixint or the smallest uint that holds it.</summary>
    public void WriteUInt64(ulong value)
    {
        if (value <= 0x7f)
        {
            WriteCode((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            Span<byte> span = _output.GetSpan(2);
            span[0] = UInt8;
            span[1] = (byte)value;
            _output.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            WriteCodeAndUInt16(UInt16, (ushort)value);
        }
        else if (value <= uint.MaxValue)
        {
            WriteCodeAndUInt32(UInt32, (uint)value);
        }
        else
        {
            Span<byte> span = _output.GetSpan(9);
            span[0] = UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            _output.Advance(9);
        }
    }

    /// <summary>Writes a float32 (0xca); the bit pattern, NaN payloads included, is kept exactly.</summary>
    public void WriteSingle(float value)
    {
        Span<byte> span = _output.GetSpan(5);
        span[0] = Float32Code;
        BinaryPrimitives.WriteSingleBigEndian(span[1..], value);
        _output.Advance(5);
    }

    /// <summary>Writes a float64 (0xcb); the bit pattern, NaN payloads included, is kept exactly.</summary>
    public void WriteDouble(double value)
    {
        Span<byte> span = _output.GetSpan(9);
        span[0] = Float64Code;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        _output.Advance(9);
    }

    /// <inheritdoc cref="WriteString(ReadOnlySpan{char})"/>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteString(value.AsSpan());
    }

    /// <summary>
    /// Writes <paramref name="value"/> as UTF-8 with the str header sized by its UTF-8 byte length (not its char
    /// count). Unpaired surrogates become U+FFFD, as <see cref="Encoding.UTF8"/> does.
    /// </summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        // Counting first lets the header and the text share one span: the text is encoded in place, never staged.
        int byteCount = Encoding.UTF8.GetByteCount(value);
        int headerSize = byteCount switch
        {
            <= 31 => 1,
            <= byte.MaxValue => 2,
            <= ushort.MaxValue => 3,
            _ => 5,
        };
        Span<byte> span = _output.GetSpan(headerSize + byteCount);
        switch (headerSize)
        {
            case 1:
                span[0] = (byte)(0xa0 | byteCount);
                break;
            case 2:
                span[0] = Str8;
                span[1] = (byte)byteCount;
                break;
            case 3:
                span[0] = Str16;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)byteCount);
                break;
            default:
                span[0] = Str32;
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)byteCount);
                break;
        }

        Encoding.UTF8.GetBytes(value, span.Slice(headerSize, byteCount));
        _output.Advance(headerSize + byteCount);
    }

    /// <summary>Writes <paramref name="value"/> as bin8, bin16 or bin32, whichever is smallest.</summary>
    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        int length = value.Length;
        int headerSize = length switch
        {
            <= byte.MaxValue => 2,
            <= ushort.MaxValue => 3,
            _ => 5,
        };
        Span<byte> span = _output.GetSpan(headerSize + length);
        switch (headerSize)
        {
            case 2:
                span[0] = Bin8;
                span[1] = (byte)length;
                break;
            case 3:
                span[0] = Bin16;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
                break;
            default:
                span[0] = Bin32;
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
                break;
        }

        value.CopyTo(span[headerSize..]);
        _output.Advance(headerSize + length);
    }

    /// <summary>Writes an array header; the caller then writes exactly <paramref name="count"/> items.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteContainerHeader(0x90, Array16, Array32, count);
    }

    /// <summary>Writes a map header; the caller then writes <paramref name="count"/> key/value pairs (2×count items).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteContainerHeader(0x80, Map16, Map32, count);
    }

    private void WriteContainerHeader(byte fixCode, byte code16, byte code32, int count)
    {
        if (count <= 15)
        {
            WriteCode((byte)(fixCode | count));
        }
        else if (count <= ushort.MaxValue)
        {
            WriteCodeAndUInt16(code16, (ushort)count);
        }
        else
        {
            WriteCodeAndUInt32(code32, (uint)count);
        }
    }

    private void WriteCode(byte code)
    {
        _output.GetSpan(1)[0] = code;
        _output.Advance(1);
    }

    private void WriteCodeAndUInt16(byte code, ushort value)
    {
        Span<byte> span = _output.GetSpan(3);
        span[0] = code;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], value);
        _output.Advance(3);
    }

    private void WriteCodeAndUInt32(byte code, uint value)
    {
        Span<byte> span = _output.GetSpan(5);
        span[0] = code;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], value);
        _output.Advance(5);
    }
}
