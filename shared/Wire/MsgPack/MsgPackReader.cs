using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace AudioFunctions.Wire.MsgPack;

/// <summary>
/// A forward-only msgpack reader over a span of bytes.
/// </summary>
/// <remarks>
/// <para>
/// Every <c>TryRead…</c> either consumes one whole item (header and payload; for arrays and maps the header only)
/// and returns <see langword="true"/>, or returns <see langword="false"/> and consumes nothing because the span ends
/// before the item does, so the caller can retry once more bytes have arrived.
/// </para>
/// <para>
/// Malformed input (byte 0xc1, out-of-range numbers, invalid UTF-8) and asking for the wrong type throw
/// <see cref="MsgPackFormatException"/>, also without consuming anything. Spans handed out alias the input buffer;
/// copy them if they must outlive it.
/// </para>
/// </remarks>
public ref struct MsgPackReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _consumed;

    /// <param name="buffer">The bytes to read, starting with the first item; the reader never copies them.</param>
    public MsgPackReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _consumed = 0;
    }

    /// <summary>Bytes consumed so far, which is also the offset of the next item within the buffer.</summary>
    public readonly int Consumed => _consumed;

    /// <summary>Tells the family of the next item from its first byte; false when no byte is left.</summary>
    /// <exception cref="MsgPackFormatException">The next byte is 0xc1.</exception>
    public readonly bool TryPeekType(out MsgPackType type)
    {
        if (_consumed >= _buffer.Length)
        {
            type = default;
            return false;
        }

        type = MsgPackLayout.Classify(_buffer[_consumed], _consumed);
        return true;
    }

    public bool TryReadNil()
    {
        if (!TryBegin(MsgPackType.Nil, out _))
        {
            return false;
        }

        _consumed++;
        return true;
    }

    public bool TryReadBoolean(out bool value)
    {
        value = false;
        if (!TryBegin(MsgPackType.Boolean, out byte code))
        {
            return false;
        }

        value = code == 0xc3;
        _consumed++;
        return true;
    }

    /// <summary>Reads any integer encoding (fixint, int8..64, uint8..64).</summary>
    /// <exception cref="MsgPackFormatException">A uint64 above <see cref="long.MaxValue"/>.</exception>
    public bool TryReadInt64(out long value)
    {
        bool read = TryReadIntegerInRange(asUnsigned: false, out ulong bits);
        value = (long)bits;
        return read;
    }

    /// <summary>Reads any integer encoding whose value is not negative.</summary>
    /// <exception cref="MsgPackFormatException">The value is negative.</exception>
    public bool TryReadUInt64(out ulong value) => TryReadIntegerInRange(asUnsigned: true, out value);

    /// <summary>Reads a float32 or float64, or an integer converted to the nearest double.</summary>
    public bool TryReadDouble(out double value)
    {
        if (TryPeekType(out MsgPackType type) && type == MsgPackType.Integer)
        {
            bool readInteger = TryReadInteger(out ulong bits, out bool isSigned);
            value = isSigned ? (long)bits : (double)bits;
            return readInteger;
        }

        bool read = TryReadFloatBits(out ulong floatBits, out bool isSingle);
        value = isSingle ? BitConverter.UInt32BitsToSingle((uint)floatBits) : BitConverter.UInt64BitsToDouble(floatBits);
        return read;
    }

    /// <summary>Reads a str item; <paramref name="utf8"/> aliases the input and is not validated.</summary>
    public bool TryReadStringUtf8(out ReadOnlySpan<byte> utf8) => TryReadPayload(MsgPackType.String, out utf8);

    /// <summary>Reads a str item and decodes it.</summary>
    /// <exception cref="MsgPackFormatException">The bytes are not valid UTF-8.</exception>
    public bool TryReadString([NotNullWhen(true)] out string? value)
    {
        value = null;
        if (!TryMeasurePayload(MsgPackType.String, out int headerSize, out int length))
        {
            return false;
        }

        ReadOnlySpan<byte> utf8 = _buffer.Slice(_consumed + headerSize, length);
        if (!Utf8.IsValid(utf8))
        {
            throw new MsgPackFormatException("string is not valid UTF-8", _consumed);
        }

        value = Encoding.UTF8.GetString(utf8);
        _consumed += headerSize + length;
        return true;
    }

    /// <summary>Reads a bin item; <paramref name="value"/> aliases the input.</summary>
    public bool TryReadBinary(out ReadOnlySpan<byte> value) => TryReadPayload(MsgPackType.Binary, out value);

    /// <summary>Reads a fixext or ext item; <paramref name="data"/> aliases the input.</summary>
    public bool TryReadExtension(out sbyte typeCode, out ReadOnlySpan<byte> data)
    {
        typeCode = 0;
        data = default;
        if (!TryMeasurePayload(MsgPackType.Extension, out int headerSize, out int length))
        {
            return false;
        }

        // The type byte is the last byte of every ext header; the data follows it.
        typeCode = (sbyte)_buffer[_consumed + headerSize - 1];
        data = _buffer.Slice(_consumed + headerSize, length);
        _consumed += headerSize + length;
        return true;
    }

    /// <summary>Reads an array header; the caller then reads <paramref name="count"/> items.</summary>
    /// <exception cref="MsgPackFormatException">An array32 count above <see cref="int.MaxValue"/>.</exception>
    public bool TryReadArrayHeader(out int count) => TryReadContainerHeader(MsgPackType.Array, out count);

    /// <summary>Reads a map header; the caller then reads <paramref name="count"/> key/value pairs.</summary>
    /// <exception cref="MsgPackFormatException">A map32 count above <see cref="int.MaxValue"/>.</exception>
    public bool TryReadMapHeader(out int count) => TryReadContainerHeader(MsgPackType.Map, out count);

    /// <summary>
    /// Skips one whole item, including everything nested in it. Iterative, so nesting depth costs no stack; false
    /// (nothing consumed) unless the whole item is in the buffer.
    /// </summary>
    public bool TrySkip()
    {
        if (!MsgPackLayout.TryFindEndOfValue(_buffer, _consumed, out int end))
        {
            return false;
        }

        _consumed = end;
        return true;
    }

    /// <summary>Reads any integer as raw two's-complement bits; <paramref name="isSigned"/> says how to read them.</summary>
    internal bool TryReadInteger(out ulong bits, out bool isSigned)
    {
        if (!TryPeekInteger(out bits, out isSigned, out int size))
        {
            return false;
        }

        _consumed += size;
        return true;
    }

    /// <summary>Reads a float32 or float64 as raw bits, so NaN payloads survive a round trip.</summary>
    internal bool TryReadFloatBits(out ulong bits, out bool isSingle)
    {
        bits = 0;
        isSingle = false;
        if (!TryBegin(MsgPackType.Float, out byte code) || !MsgPackLayout.TryMeasure(_buffer, _consumed, out int size, out _))
        {
            return false;
        }

        ReadOnlySpan<byte> payload = _buffer.Slice(_consumed + 1, size - 1);
        isSingle = code == 0xca;
        bits = isSingle ? BinaryPrimitives.ReadUInt32BigEndian(payload) : BinaryPrimitives.ReadUInt64BigEndian(payload);
        _consumed += size;
        return true;
    }

    // The range is checked before anything is consumed, so an out-of-range integer leaves the reader where it was.
    private bool TryReadIntegerInRange(bool asUnsigned, out ulong bits)
    {
        if (!TryPeekInteger(out bits, out bool isSigned, out int size))
        {
            return false;
        }

        // With the top bit clear the value fits long and ulong alike; with it set, the encoding's signedness
        // says whether it is below zero or above long.MaxValue, and only one of the two targets can hold it.
        if ((long)bits < 0 && isSigned == asUnsigned)
        {
            throw new MsgPackFormatException("integer out of range", _consumed);
        }

        _consumed += size;
        return true;
    }

    private readonly bool TryPeekInteger(out ulong bits, out bool isSigned, out int size)
    {
        bits = 0;
        isSigned = false;
        size = 0;
        if (!TryBegin(MsgPackType.Integer, out byte code) || !MsgPackLayout.TryMeasure(_buffer, _consumed, out size, out _))
        {
            return false;
        }

        bits = MsgPackLayout.DecodeInteger(code, _buffer.Slice(_consumed + 1, size - 1), out isSigned);
        return true;
    }

    private bool TryReadPayload(MsgPackType expected, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (!TryMeasurePayload(expected, out int headerSize, out int length))
        {
            return false;
        }

        payload = _buffer.Slice(_consumed + headerSize, length);
        _consumed += headerSize + length;
        return true;
    }

    private readonly bool TryMeasurePayload(MsgPackType expected, out int headerSize, out int length)
    {
        headerSize = 0;
        length = 0;
        if (!TryBegin(expected, out _) || !MsgPackLayout.TryMeasure(_buffer, _consumed, out headerSize, out uint declared))
        {
            return false;
        }

        // TryMeasure has checked the payload fits in the buffer, so it also fits in an int.
        length = (int)declared;
        return true;
    }

    private bool TryReadContainerHeader(MsgPackType expected, out int count)
    {
        count = 0;
        if (!TryBegin(expected, out _) || !MsgPackLayout.TryMeasure(_buffer, _consumed, out int headerSize, out uint declared))
        {
            return false;
        }

        if (declared > int.MaxValue)
        {
            throw new MsgPackFormatException($"{MsgPackLayout.Describe(expected)} length out of range", _consumed);
        }

        count = (int)declared;
        _consumed += headerSize;
        return true;
    }

    /// <summary>
    /// False when no byte is left; otherwise checks the next item is of the <paramref name="expected"/> family
    /// (throwing if not) and returns its first byte. Consumes nothing either way.
    /// </summary>
    private readonly bool TryBegin(MsgPackType expected, out byte code)
    {
        code = 0;
        if (_consumed >= _buffer.Length)
        {
            return false;
        }

        code = _buffer[_consumed];
        MsgPackType actual = MsgPackLayout.Classify(code, _consumed);
        if (actual != expected)
        {
            throw new MsgPackFormatException(
                $"expected {MsgPackLayout.Describe(expected)}, found {MsgPackLayout.Describe(actual)}", _consumed);
        }

        return true;
    }
}
