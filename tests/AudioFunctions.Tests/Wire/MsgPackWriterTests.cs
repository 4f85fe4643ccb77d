using System.Buffers;
using AudioFunctions.Wire.MsgPack;

namespace AudioFunctions.Tests.Wire;

public sealed class MsgPackWriterTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(1L, "01")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc 80")]
    [InlineData(255L, "cc ff")]
    [InlineData(256L, "cd 01 00")]
    [InlineData(65535L, "cd ff ff")]
    [InlineData(65536L, "ce 00 01 00 00")]
    [InlineData(4294967295L, "ce ff ff ff ff")]
    [InlineData(4294967296L, "cf 00 00 00 01 00 00 00 00")]
    [InlineData(long.MaxValue, "cf 7f ff ff ff ff ff ff ff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0 df")]
    [InlineData(-128L, "d0 80")]
    [InlineData(-129L, "d1 ff 7f")]
    [InlineData(-32768L, "d1 80 00")]
    [InlineData(-32769L, "d2 ff ff 7f ff")]
    [InlineData(-2147483648L, "d2 80 00 00 00")]
    [InlineData(-2147483649L, "d3 ff ff ff ff 7f ff ff ff")]
    [InlineData(long.MinValue, "d3 80 00 00 00 00 00 00 00")]
    public void WriteInt64_UsesTheSmallestEncoding(long value, string expected) =>
        Assert.Equal(Hex.Norm(expected), Hex.Written(w => w.WriteInt64(value)));

    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "cc 80")]
    [InlineData(256UL, "cd 01 00")]
    [InlineData(65536UL, "ce 00 01 00 00")]
    [InlineData(4294967296UL, "cf 00 00 00 01 00 00 00 00")]
    [InlineData(9223372036854775808UL, "cf 80 00 00 00 00 00 00 00")]
    [InlineData(ulong.MaxValue, "cf ff ff ff ff ff ff ff ff")]
    public void WriteUInt64_UsesTheSmallestEncoding(ulong value, string expected) =>
        Assert.Equal(Hex.Norm(expected), Hex.Written(w => w.WriteUInt64(value)));

    [Fact]
    public void NilAndBooleans_HaveTheirOwnCodes()
    {
        Assert.Equal("c0", Hex.Written(w => w.WriteNil()));
        Assert.Equal("c2", Hex.Written(w => w.WriteBoolean(false)));
        Assert.Equal("c3", Hex.Written(w => w.WriteBoolean(true)));
    }

    [Fact]
    public void Floats_AreBigEndianIeee()
    {
        Assert.Equal("ca3fc00000", Hex.Written(w => w.WriteSingle(1.5f)));
        Assert.Equal("cb3ff8000000000000", Hex.Written(w => w.WriteDouble(1.5)));
        Assert.Equal("cb8000000000000000", Hex.Written(w => w.WriteDouble(-0.0)));
        Assert.Equal("cb7ff0000000000000", Hex.Written(w => w.WriteDouble(double.PositiveInfinity)));

        // A float32 stays float32 even when a float64 would be "exact": the writer never changes the width.
        Assert.Equal("ca00000000", Hex.Written(w => w.WriteSingle(0f)));
        Assert.Equal("ca7fc00001", Hex.Written(w => w.WriteSingle(BitConverter.UInt32BitsToSingle(0x7fc00001))));
    }

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(1, "a1")]
    [InlineData(31, "bf")]
    [InlineData(32, "d9 20")]
    [InlineData(255, "d9 ff")]
    [InlineData(256, "da 01 00")]
    [InlineData(65535, "da ff ff")]
    [InlineData(65536, "db 00 01 00 00")]
    public void WriteString_HeaderFollowsByteLength(int length, string expectedHeader)
    {
        string text = new('a', length);
        string expected = Hex.Norm(expectedHeader) + string.Concat(Enumerable.Repeat("61", length));

        Assert.Equal(expected, Hex.Written(w => w.WriteString(text)));
        Assert.Equal(expected, Hex.Written(w => w.WriteString(text.AsSpan())));
    }

    [Theory]
    [InlineData("é", "a2 c3 a9")]
    [InlineData("€", "a3 e2 82 ac")]
    [InlineData("😀", "a4 f0 9f 98 80")]
    [InlineData("a€", "a4 61 e2 82 ac")]
    public void WriteString_EncodesUtf8(string text, string expected) =>
        Assert.Equal(Hex.Norm(expected), Hex.Written(w => w.WriteString(text)));

    [Fact]
    public void WriteString_CountsBytesNotChars()
    {
        // 11 chars fit a fixstr by count, but 33 UTF-8 bytes do not.
        string euros = new('€', 11);
        string written = Hex.Written(w => w.WriteString(euros));
        Assert.StartsWith("d921e282ac", written, StringComparison.Ordinal);
        Assert.Equal((2 + 33) * 2, written.Length);

        // 86 chars of 3 bytes = 258 bytes: str16 although the char count fits str8.
        Assert.StartsWith("da0102", Hex.Written(w => w.WriteString(new string('€', 86))), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteString_RejectsNull() =>
        Assert.Throws<ArgumentNullException>(() => Hex.Written(w => w.WriteString((string)null!)));

    [Theory]
    [InlineData(0, "c4 00")]
    [InlineData(1, "c4 01")]
    [InlineData(255, "c4 ff")]
    [InlineData(256, "c5 01 00")]
    [InlineData(65535, "c5 ff ff")]
    [InlineData(65536, "c6 00 01 00 00")]
    public void WriteBinary_HeaderFollowsLength(int length, string expectedHeader)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7);
        }

        Assert.Equal(Hex.Norm(expectedHeader) + Hex.Of(data), Hex.Written(w => w.WriteBinary(data)));
    }

    [Theory]
    [InlineData(0, "90", "80")]
    [InlineData(1, "91", "81")]
    [InlineData(15, "9f", "8f")]
    [InlineData(16, "dc 00 10", "de 00 10")]
    [InlineData(65535, "dc ff ff", "de ff ff")]
    [InlineData(65536, "dd 00 01 00 00", "df 00 01 00 00")]
    [InlineData(int.MaxValue, "dd 7f ff ff ff", "df 7f ff ff ff")]
    public void ContainerHeaders_UseTheSmallestEncoding(int count, string arrayHeader, string mapHeader)
    {
        Assert.Equal(Hex.Norm(arrayHeader), Hex.Written(w => w.WriteArrayHeader(count)));
        Assert.Equal(Hex.Norm(mapHeader), Hex.Written(w => w.WriteMapHeader(count)));
    }

    [Fact]
    public void ContainerHeaders_RejectNegativeCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Hex.Written(w => w.WriteArrayHeader(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hex.Written(w => w.WriteMapHeader(int.MinValue)));
    }

    [Fact]
    public void SuccessiveWrites_AppendInOrder()
    {
        string written = Hex.Written(w =>
        {
            w.WriteMapHeader(2);
            w.WriteString("id");
            w.WriteInt64(300);
            w.WriteString("ok");
            w.WriteArrayHeader(2);
            w.WriteNil();
            w.WriteBoolean(true);
        });

        Assert.Equal("82a26964cd012ca26f6b92c0c3", written);
    }

    [Fact]
    public void EveryWrite_StaysInsideTheSpanItAskedFor()
    {
        var output = new TightBufferWriter();
        var writer = new MsgPackWriter(output);
        writer.WriteInt64(long.MinValue);
        writer.WriteUInt64(ulong.MaxValue);
        writer.WriteDouble(2.5);
        writer.WriteSingle(2.5f);
        writer.WriteString(new string('ü', 200));
        writer.WriteString("x");
        writer.WriteBinary(new byte[300]);
        writer.WriteArrayHeader(70000);
        writer.WriteMapHeader(300);

        byte[] expected = Expected();
        Assert.Equal(Hex.Of(expected), Hex.Of(output.WrittenBytes));

        static byte[] Expected()
        {
            var reference = new ArrayBufferWriter<byte>();
            var w = new MsgPackWriter(reference);
            w.WriteInt64(long.MinValue);
            w.WriteUInt64(ulong.MaxValue);
            w.WriteDouble(2.5);
            w.WriteSingle(2.5f);
            w.WriteString(new string('ü', 200));
            w.WriteString("x");
            w.WriteBinary(new byte[300]);
            w.WriteArrayHeader(70000);
            w.WriteMapHeader(300);
            return reference.WrittenSpan.ToArray();
        }
    }

    [Fact]
    public void Constructor_RejectsNullOutput() =>
        Assert.Throws<ArgumentNullException>(() => new MsgPackWriter(null!));
}
