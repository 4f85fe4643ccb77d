using AudioFunctions.Wire;
using AudioFunctions.Wire.MsgPack;

namespace AudioFunctions.Tests.Wire;

public sealed class MsgPackReaderTests
{
    private delegate bool ReadOperation(ref MsgPackReader reader);

    /// <summary>Each operation by name, so theories can name them in InlineData.</summary>
    private static readonly Dictionary<string, ReadOperation> _operations = new()
    {
        ["Nil"] = (ref MsgPackReader r) => r.TryReadNil(),
        ["Boolean"] = (ref MsgPackReader r) => r.TryReadBoolean(out _),
        ["Int64"] = (ref MsgPackReader r) => r.TryReadInt64(out _),
        ["UInt64"] = (ref MsgPackReader r) => r.TryReadUInt64(out _),
        ["Double"] = (ref MsgPackReader r) => r.TryReadDouble(out _),
        ["StringUtf8"] = (ref MsgPackReader r) => r.TryReadStringUtf8(out _),
        ["String"] = (ref MsgPackReader r) => r.TryReadString(out _),
        ["Binary"] = (ref MsgPackReader r) => r.TryReadBinary(out _),
        ["ArrayHeader"] = (ref MsgPackReader r) => r.TryReadArrayHeader(out _),
        ["MapHeader"] = (ref MsgPackReader r) => r.TryReadMapHeader(out _),
        ["Extension"] = (ref MsgPackReader r) => r.TryReadExtension(out _, out _),
        ["Skip"] = (ref MsgPackReader r) => r.TrySkip(),
    };

    [Theory]
    [InlineData("00", 0L)]
    [InlineData("7f", 127L)]
    [InlineData("cc 80", 128L)]
    [InlineData("cc ff", 255L)]
    [InlineData("cd 01 00", 256L)]
    [InlineData("ce 00 01 00 00", 65536L)]
    [InlineData("cf 00 00 00 01 00 00 00 00", 4294967296L)]
    [InlineData("cf 7f ff ff ff ff ff ff ff", long.MaxValue)]
    [InlineData("ff", -1L)]
    [InlineData("e0", -32L)]
    [InlineData("d0 df", -33L)]
    [InlineData("d1 ff 7f", -129L)]
    [InlineData("d2 ff ff 7f ff", -32769L)]
    [InlineData("d3 ff ff ff ff 7f ff ff ff", -2147483649L)]
    [InlineData("d3 80 00 00 00 00 00 00 00", long.MinValue)]
    // Wider-than-needed encodings are legal msgpack and must read the same.
    [InlineData("cc 05", 5L)]
    [InlineData("d0 05", 5L)]
    [InlineData("d1 ff ff", -1L)]
    [InlineData("cf 00 00 00 00 00 00 00 01", 1L)]
    public void TryReadInt64_ReadsEveryIntegerEncoding(string hex, long expected)
    {
        byte[] bytes = Hex.Bytes(hex);
        var reader = new MsgPackReader(bytes);

        Assert.True(reader.TryReadInt64(out long value));
        Assert.Equal(expected, value);
        Assert.Equal(bytes.Length, reader.Consumed);
    }

    [Theory]
    [InlineData("00", 0UL)]
    [InlineData("7f", 127UL)]
    [InlineData("cd ff ff", 65535UL)]
    [InlineData("d0 7f", 127UL)]
    [InlineData("cf 80 00 00 00 00 00 00 00", 9223372036854775808UL)]
    [InlineData("cf ff ff ff ff ff ff ff ff", ulong.MaxValue)]
    public void TryReadUInt64_ReadsNonNegativeIntegers(string hex, ulong expected)
    {
        var reader = new MsgPackReader(Hex.Bytes(hex));

        Assert.True(reader.TryReadUInt64(out ulong value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("cf 80 00 00 00 00 00 00 00", "Int64")]
    [InlineData("cf ff ff ff ff ff ff ff ff", "Int64")]
    [InlineData("ff", "UInt64")]
    [InlineData("d3 80 00 00 00 00 00 00 00", "UInt64")]
    public void OutOfRangeIntegers_ThrowWithoutConsuming(string hex, string operation)
    {
        MsgPackFormatException ex = ReadAfterNil(hex, operation, out int consumed);

        Assert.Equal("integer out of range at offset 1", ex.Message);
        Assert.Equal(1, ex.Offset);
        Assert.Equal(1, consumed);
    }

    [Theory]
    [InlineData("ca 3f c0 00 00", 1.5)]
    [InlineData("cb 3f f8 00 00 00 00 00 00", 1.5)]
    [InlineData("cb c0 59 00 00 00 00 00 00", -100.0)]
    [InlineData("7f", 127.0)]
    [InlineData("ff", -1.0)]
    [InlineData("d1 ff 7f", -129.0)]
    [InlineData("cf ff ff ff ff ff ff ff ff", 18446744073709551615.0)]
    public void TryReadDouble_ReadsFloatsAndConvertsIntegers(string hex, double expected)
    {
        byte[] bytes = Hex.Bytes(hex);
        var reader = new MsgPackReader(bytes);

        Assert.True(reader.TryReadDouble(out double value));
        Assert.Equal(expected, value);
        Assert.Equal(bytes.Length, reader.Consumed);
    }

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(31, "bf")]
    [InlineData(32, "d9 20")]
    [InlineData(255, "d9 ff")]
    [InlineData(256, "da 01 00")]
    [InlineData(65536, "db 00 01 00 00")]
    public void Strings_ReadBackFromEveryHeader(int length, string header)
    {
        byte[] bytes = [.. Hex.Bytes(header), .. Enumerable.Repeat((byte)'z', length)];

        var reader = new MsgPackReader(bytes);
        Assert.True(reader.TryReadString(out string? text));
        Assert.Equal(new string('z', length), text);
        Assert.Equal(bytes.Length, reader.Consumed);

        reader = new MsgPackReader(bytes);
        Assert.True(reader.TryReadStringUtf8(out ReadOnlySpan<byte> utf8));
        Assert.Equal(length, utf8.Length);
        Assert.Equal(bytes.Length, reader.Consumed);
    }

    [Fact]
    public void TryReadString_DecodesMultiByteUtf8()
    {
        var reader = new MsgPackReader(Hex.Bytes("a8 61 e2 82 ac f0 9f 98 80"));
        Assert.True(reader.TryReadString(out string? text));
        Assert.Equal("a€😀", text);
    }

    [Theory]
    [InlineData("a1 ff")]
    [InlineData("a2 c3 28")]
    [InlineData("a3 ed a0 80")]
    public void TryReadString_RejectsInvalidUtf8WithoutConsuming(string hex)
    {
        MsgPackFormatException ex = ReadAfterNil(hex, "String", out int consumed);

        Assert.Equal("string is not valid UTF-8 at offset 1", ex.Message);
        Assert.Equal(1, consumed);
    }

    [Theory]
    [InlineData(0, "c4 00")]
    [InlineData(255, "c4 ff")]
    [InlineData(256, "c5 01 00")]
    [InlineData(65536, "c6 00 01 00 00")]
    public void Binary_ReadsBackFromEveryHeader(int length, string header)
    {
        byte[] payload = new byte[length];
        new Random(length).NextBytes(payload);
        byte[] bytes = [.. Hex.Bytes(header), .. payload];
        var reader = new MsgPackReader(bytes);

        Assert.True(reader.TryReadBinary(out ReadOnlySpan<byte> data));
        Assert.True(data.SequenceEqual(payload));
        Assert.Equal(bytes.Length, reader.Consumed);
    }

    [Theory]
    [InlineData("90", 0, "Array")]
    [InlineData("9f", 15, "Array")]
    [InlineData("dc 00 10", 16, "Array")]
    [InlineData("dd 00 01 00 00", 65536, "Array")]
    [InlineData("dd 7f ff ff ff", int.MaxValue, "Array")]
    [InlineData("80", 0, "Map")]
    [InlineData("8f", 15, "Map")]
    [InlineData("de 00 10", 16, "Map")]
    [InlineData("df 00 01 00 00", 65536, "Map")]
    public void ContainerHeaders_ReadBack(string hex, int expected, string kind)
    {
        byte[] bytes = Hex.Bytes(hex);
        var reader = new MsgPackReader(bytes);

        int count;
        Assert.True(kind == "Array" ? reader.TryReadArrayHeader(out count) : reader.TryReadMapHeader(out count));
        Assert.Equal(expected, count);
        Assert.Equal(bytes.Length, reader.Consumed);
    }

    [Theory]
    [InlineData("dd 80 00 00 00", "ArrayHeader", "array length out of range at offset 1")]
    [InlineData("df ff ff ff ff", "MapHeader", "map length out of range at offset 1")]
    public void ContainerCountsAboveInt32_Throw(string hex, string operation, string message)
    {
        MsgPackFormatException ex = ReadAfterNil(hex, operation, out int consumed);

        Assert.Equal(message, ex.Message);
        Assert.Equal(1, consumed);
    }

    [Theory]
    [InlineData("d4 01 aa", 1, "aa")]
    [InlineData("d5 ff 01 02", -1, "0102")]
    [InlineData("d6 7f 01 02 03 04", 127, "01020304")]
    [InlineData("d7 80 01 02 03 04 05 06 07 08", -128, "0102030405060708")]
    [InlineData("d8 05 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f", 5, "000102030405060708090a0b0c0d0e0f")]
    [InlineData("c7 00 05", 5, "")]
    [InlineData("c7 03 fe 01 02 03", -2, "010203")]
    [InlineData("c8 00 02 06 aa bb", 6, "aabb")]
    [InlineData("c9 00 00 00 01 07 cc", 7, "cc")]
    public void Extensions_ReadBack(string hex, int typeCode, string data)
    {
        byte[] bytes = Hex.Bytes(hex);
        var reader = new MsgPackReader(bytes);

        Assert.True(reader.TryReadExtension(out sbyte code, out ReadOnlySpan<byte> payload));
        Assert.Equal(typeCode, code);
        Assert.Equal(data, Hex.Of(payload));
        Assert.Equal(bytes.Length, reader.Consumed);

        var skipper = new MsgPackReader(bytes);
        Assert.True(skipper.TrySkip());
        Assert.Equal(bytes.Length, skipper.Consumed);
    }

    [Fact]
    public void TryPeekType_ClassifiesEveryFirstByte()
    {
        for (int b = 0; b <= 0xff; b++)
        {
            if (b == 0xc1)
            {
                continue;
            }

            MsgPackType expected = b switch
            {
                <= 0x7f or >= 0xe0 or (>= 0xcc and <= 0xd3) => MsgPackType.Integer,
                <= 0x8f or 0xde or 0xdf => MsgPackType.Map,
                <= 0x9f or 0xdc or 0xdd => MsgPackType.Array,
                <= 0xbf or 0xd9 or 0xda or 0xdb => MsgPackType.String,
                0xc0 => MsgPackType.Nil,
                0xc2 or 0xc3 => MsgPackType.Boolean,
                0xc4 or 0xc5 or 0xc6 => MsgPackType.Binary,
                0xca or 0xcb => MsgPackType.Float,
                _ => MsgPackType.Extension,
            };
            var reader = new MsgPackReader([(byte)b]);

            Assert.True(reader.TryPeekType(out MsgPackType type));
            Assert.Equal(expected, type);
            Assert.Equal(0, reader.Consumed);
        }

        Assert.False(new MsgPackReader([]).TryPeekType(out _));
    }

    [Theory]
    [InlineData("Nil")]
    [InlineData("Int64")]
    [InlineData("String")]
    [InlineData("Skip")]
    public void NeverUsedByte_C1_Throws(string operation)
    {
        MsgPackFormatException ex = ReadAfterNil("c1", operation, out int consumed);

        Assert.Contains("0xc1", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("at offset 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, consumed);

        var peeker = new MsgPackReader([0xc1]);
        bool threw = false;
        try
        {
            peeker.TryPeekType(out _);
        }
        catch (MsgPackFormatException)
        {
            threw = true;
        }

        Assert.True(threw);
    }

    public static TheoryData<string, string> CompleteItems => new()
    {
        { "c0", "Nil" }, { "c3", "Boolean" },
        { "7f", "Int64" }, { "cc 80", "Int64" }, { "cd 01 00", "Int64" }, { "ce 00 01 00 00", "Int64" },
        { "cf 00 00 00 01 00 00 00 00", "Int64" }, { "d0 df", "Int64" }, { "d1 ff 7f", "Int64" },
        { "d2 ff ff 7f ff", "Int64" }, { "d3 80 00 00 00 00 00 00 00", "Int64" },
        { "cf ff ff ff ff ff ff ff ff", "UInt64" }, { "cd 01 00", "UInt64" },
        { "ca 3f c0 00 00", "Double" }, { "cb 3f f8 00 00 00 00 00 00", "Double" }, { "d2 ff ff 7f ff", "Double" },
        { "a3 61 62 63", "String" }, { "d9 03 61 62 63", "String" }, { "da 00 03 61 62 63", "String" },
        { "db 00 00 00 03 61 62 63", "String" }, { "db 00 00 00 03 61 62 63", "StringUtf8" },
        { "c4 02 01 02", "Binary" }, { "c5 00 02 01 02", "Binary" }, { "c6 00 00 00 02 01 02", "Binary" },
        { "dc 00 10", "ArrayHeader" }, { "dd 00 00 00 10", "ArrayHeader" },
        { "de 00 10", "MapHeader" }, { "df 00 00 00 10", "MapHeader" },
        { "d4 01 aa", "Extension" }, { "d8 05 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f", "Extension" },
        { "c7 02 05 aa bb", "Extension" }, { "c8 00 02 05 aa bb", "Extension" }, { "c9 00 00 00 02 05 aa bb", "Extension" },
        { "92 a1 61 81 a1 62 93 01 cd 01 00 c3", "Skip" }, { "82 a1 6b d4 01 aa a1 6c c7 01 02 ff", "Skip" },
        { "dc 00 02 c0 de 00 01 a0 c4 01 00", "Skip" },
    };

    [Theory]
    [MemberData(nameof(CompleteItems))]
    public void EveryTruncatedPrefix_ReturnsFalseAndConsumesNothing(string hex, string operation)
    {
        byte[] bytes = Hex.Bytes(hex);
        ReadOperation read = _operations[operation];
        for (int length = 0; length < bytes.Length; length++)
        {
            var reader = new MsgPackReader(bytes.AsSpan(0, length));
            Assert.False(read(ref reader), $"prefix of {length} bytes");
            Assert.Equal(0, reader.Consumed);
        }

        var complete = new MsgPackReader(bytes);
        Assert.True(read(ref complete));
        Assert.Equal(bytes.Length, complete.Consumed);
    }

    [Theory]
    [InlineData("a1 61", "Int64", "expected integer, found string at offset 1")]
    [InlineData("a1 61", "Double", "expected float, found string at offset 1")]
    [InlineData("c0", "Boolean", "expected boolean, found nil at offset 1")]
    [InlineData("c3", "Nil", "expected nil, found boolean at offset 1")]
    [InlineData("01", "String", "expected string, found integer at offset 1")]
    [InlineData("c4 01 00", "StringUtf8", "expected string, found binary at offset 1")]
    [InlineData("a1 61", "Binary", "expected binary, found string at offset 1")]
    [InlineData("80", "ArrayHeader", "expected array, found map at offset 1")]
    [InlineData("90", "MapHeader", "expected map, found array at offset 1")]
    [InlineData("ca 3f c0 00 00", "UInt64", "expected integer, found float at offset 1")]
    [InlineData("d4 01 aa", "Int64", "expected integer, found extension at offset 1")]
    [InlineData("c4 00", "Extension", "expected extension, found binary at offset 1")]
    // The first byte is enough to know the type, so a mismatch is reported even before the item is complete.
    [InlineData("d9", "Int64", "expected integer, found string at offset 1")]
    [InlineData("dd 00", "MapHeader", "expected map, found array at offset 1")]
    public void TypeMismatch_ThrowsWithOffsetAndConsumesNothing(string hex, string operation, string message)
    {
        MsgPackFormatException ex = ReadAfterNil(hex, operation, out int consumed);

        Assert.Equal(message, ex.Message);
        Assert.Equal(1, ex.Offset);
        Assert.IsAssignableFrom<WireFormatException>(ex);
        Assert.Equal(1, consumed);
    }

    [Fact]
    public void SequentialReads_AdvanceThroughTheBuffer()
    {
        byte[] bytes = Hex.Bytes("93 c3 cd 01 2c a2 68 69 c4 01 ff");
        var reader = new MsgPackReader(bytes);

        Assert.True(reader.TryReadArrayHeader(out int count));
        Assert.Equal(3, count);
        Assert.Equal(1, reader.Consumed);
        Assert.True(reader.TryReadBoolean(out bool flag));
        Assert.True(flag);
        Assert.True(reader.TryReadInt64(out long number));
        Assert.Equal(300, number);
        Assert.True(reader.TryReadString(out string? text));
        Assert.Equal("hi", text);
        Assert.Equal(8, reader.Consumed);
        Assert.True(reader.TryReadBinary(out ReadOnlySpan<byte> data));
        Assert.Equal("ff", Hex.Of(data));
        Assert.Equal(bytes.Length, reader.Consumed);
        Assert.False(reader.TryPeekType(out _));
        Assert.False(reader.TryReadNil());
    }

    [Fact]
    public void TrySkip_SkipsExactlyOneNestedValue()
    {
        // {"a": [1, {"b": ext}, "x"], "c": bin} then a trailing nil that must stay unread.
        byte[] bytes = Hex.Bytes("82 a1 61 93 01 81 a1 62 c8 00 01 09 ee a1 78 a1 63 c5 00 02 aa bb c0");
        var reader = new MsgPackReader(bytes);

        Assert.True(reader.TrySkip());
        Assert.Equal(bytes.Length - 1, reader.Consumed);
        Assert.True(reader.TryReadNil());
    }

    [Fact]
    public void TrySkip_HandlesDeepNestingWithoutRecursion()
    {
        const int depth = 100_000;
        byte[] bytes = new byte[depth + 1];
        bytes.AsSpan(0, depth).Fill(0x91);
        bytes[depth] = 0xc0;

        var reader = new MsgPackReader(bytes);
        Assert.True(reader.TrySkip());
        Assert.Equal(bytes.Length, reader.Consumed);

        var truncated = new MsgPackReader(bytes.AsSpan(0, depth));
        Assert.False(truncated.TrySkip());
        Assert.Equal(0, truncated.Consumed);
    }

    [Theory]
    [InlineData("dd ff ff ff ff")]
    [InlineData("df ff ff ff ff 01")]
    [InlineData("db ff ff ff ff 61")]
    [InlineData("c9 ff ff ff ff 01")]
    public void TrySkip_HugeDeclaredLengths_AreTruncationNotErrors(string hex)
    {
        var reader = new MsgPackReader(Hex.Bytes(hex));

        Assert.False(reader.TrySkip());
        Assert.Equal(0, reader.Consumed);
    }

    private static MsgPackFormatException ReadAfterNil(string hex, string operation, out int consumed)
    {
        byte[] bytes = [0xc0, .. Hex.Bytes(hex)];
        var reader = new MsgPackReader(bytes);
        Assert.True(reader.TryReadNil());

        MsgPackFormatException? caught = null;
        try
        {
            _operations[operation](ref reader);
        }
        catch (MsgPackFormatException ex)
        {
            caught = ex;
        }

        consumed = reader.Consumed;
        return caught ?? throw new Xunit.Sdk.XunitException($"{operation} on {hex} did not throw");
    }
}
