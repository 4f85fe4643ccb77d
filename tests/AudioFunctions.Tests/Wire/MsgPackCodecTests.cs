using System.Buffers;
using AudioFunctions.Wire;
using AudioFunctions.Wire.MsgPack;

namespace AudioFunctions.Tests.Wire;

public sealed class MsgPackCodecTests
{
    private static WireValue SampleTree() => WireValue.Map(
        ("format", WireValue.String("pcm16")),
        ("rate", WireValue.Integer(48000)),
        ("gain", WireValue.Float(-3.5)),
        ("peaks", WireValue.FloatArray([0.25f, -1f, 1.5f])),
        ("offset", WireValue.Integer(-40000)),
        ("huge", WireValue.Integer(ulong.MaxValue)),
        ("tags", WireValue.Array([WireValue.String("a€"), WireValue.Nil, WireValue.Boolean(false)])),
        ("chunk", WireValue.Binary(new byte[] { 1, 2, 3 })),
        ("nested", WireValue.Map(("empty", WireValue.Array([])), ("none", WireValue.Map()))));

    [Fact]
    public void Serialize_ProducesTheSpecLayout()
    {
        WireValue value = WireValue.Map(
            ("a", WireValue.Integer(1)),
            ("b", WireValue.Array([WireValue.Nil, WireValue.Boolean(true), WireValue.Integer(-33)])),
            ("c", WireValue.Float32(1.5f)),
            ("d", WireValue.Float(1.5)),
            ("e", WireValue.Binary(new byte[] { 0xff })),
            ("f", WireValue.Integer(ulong.MaxValue)));

        Assert.Equal(
            Hex.Norm("86 a161 01 a162 93 c0 c3 d0df a163 ca3fc00000 a164 cb3ff8000000000000 a165 c401ff a166 cfffffffffffffffff"),
            Hex.Of(MsgPackCodec.Serialize(value)));
    }

    [Fact]
    public void NestedTree_RoundTripsWithKindsAndValuesIntact()
    {
        byte[] bytes = MsgPackCodec.Serialize(SampleTree());
        WireValue parsed = MsgPackCodec.Parse(bytes);

        Assert.Equal(WireKind.Map, parsed.Kind);
        Assert.Equal(9, parsed.AsMap().Count);
        Assert.True(parsed.TryGetProperty("format", out WireValue? format));
        Assert.Equal("pcm16", format.AsString());
        Assert.True(parsed.TryGetProperty("rate", out WireValue? rate));
        Assert.True(rate.TryGetInt64(out long rateValue));
        Assert.Equal(48000, rateValue);
        Assert.True(parsed.TryGetProperty("gain", out WireValue? gain));
        Assert.True(gain.TryGetDouble(out double gainValue));
        Assert.Equal(-3.5, gainValue);
        Assert.True(parsed.TryGetProperty("huge", out WireValue? huge));
        Assert.False(huge.TryGetInt64(out _));
        Assert.True(huge.TryGetUInt64(out ulong hugeValue));
        Assert.Equal(ulong.MaxValue, hugeValue);
        Assert.True(parsed.TryGetProperty("peaks", out WireValue? peaks));
        Assert.True(peaks.AsArray()[2].TryGetDouble(out double peak));
        Assert.Equal(1.5, peak);
        Assert.True(parsed.TryGetProperty("tags", out WireValue? tags));
        Assert.Equal("a€", tags.AsArray()[0].AsString());
        Assert.Equal(WireKind.Nil, tags.AsArray()[1].Kind);
        Assert.True(parsed.TryGetProperty("chunk", out WireValue? chunk));
        Assert.Equal("010203", Hex.Of(chunk.AsBinary().Span));
        Assert.False(parsed.TryGetProperty("missing", out _));

        Assert.Equal(Hex.Of(bytes), Hex.Of(MsgPackCodec.Serialize(parsed)));
    }

    [Fact]
    public void Float32_StaysFloat32AcrossARoundTrip()
    {
        byte[] bytes = MsgPackCodec.Serialize(WireValue.FloatArray([0.1f]));

        Assert.Equal("91ca3dcccccd", Hex.Of(bytes));
        Assert.Equal("91ca3dcccccd", Hex.Of(MsgPackCodec.Serialize(MsgPackCodec.Parse(bytes))));
    }

    [Fact]
    public void Write_AppendsToTheCallersBuffer()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write(new byte[] { 0xaa });

        MsgPackCodec.Write(WireValue.Integer(300), output);

        Assert.Equal("aacd012c", Hex.Of(output.WrittenSpan));
    }

    [Fact]
    public void ParsedBinary_DoesNotAliasTheBody()
    {
        byte[] body = Hex.Bytes("c4 02 01 02");
        WireValue value = MsgPackCodec.Parse(body);
        body[2] = 0xee;

        Assert.Equal("0102", Hex.Of(value.AsBinary().Span));
    }

    [Theory]
    [InlineData("", "msgpack body is empty")]
    [InlineData("c0 c0", "unexpected bytes after the value at offset 1")]
    [InlineData("92 01", "msgpack body is truncated at offset 0")]
    [InlineData("91 cd 01", "msgpack body is truncated at offset 1")]
    [InlineData("a5 61 62", "msgpack body is truncated at offset 0")]
    [InlineData("81 a1 61", "msgpack body is truncated at offset 3")]
    [InlineData("82 a1 61 01 a1", "msgpack body is truncated at offset 4")]
    [InlineData("81 01 02", "map keys must be strings at offset 1")]
    [InlineData("81 c4 01 61 02", "map keys must be strings at offset 1")]
    [InlineData("82 a1 6b 01 a1 6b 02", "duplicate key 'k' at offset 4")]
    [InlineData("92 d4 01 aa c0", "msgpack extension types are not supported at offset 1")]
    [InlineData("c7 00 05", "msgpack extension types are not supported at offset 0")]
    [InlineData("91 c1", "format byte 0xc1 is never used in msgpack at offset 1")]
    [InlineData("a2 c3 28", "string is not valid UTF-8 at offset 0")]
    [InlineData("81 a1 ff c0", "string is not valid UTF-8 at offset 1")]
    [InlineData("dd ff ff ff ff", "array length out of range at offset 0")]
    public void MalformedBodies_ThrowWireFormatExceptionNamingTheProblem(string hex, string message)
    {
        WireFormatException ex = Assert.ThrowsAny<WireFormatException>(() => MsgPackCodec.Parse(Hex.Bytes(hex)));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void DuplicateKey_IsFoundInLargeMapsToo()
    {
        var writer = new ArrayBufferWriter<byte>();
        var msgpack = new MsgPackWriter(writer);
        msgpack.WriteMapHeader(12);
        for (int i = 0; i < 11; i++)
        {
            msgpack.WriteString($"key{i}");
            msgpack.WriteNil();
        }

        msgpack.WriteString("format");
        msgpack.WriteNil();
        Assert.Equal(12, MsgPackCodec.Parse(writer.WrittenSpan).AsMap().Count);

        byte[] withDuplicate = [.. writer.WrittenSpan[..^8], 0xa4, (byte)'k', (byte)'e', (byte)'y', (byte)'3', 0xc0];
        MsgPackFormatException ex = Assert.Throws<MsgPackFormatException>(() => MsgPackCodec.Parse(withDuplicate));
        Assert.StartsWith("duplicate key 'key3'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dd 7f ff ff ff")]
    [InlineData("df 7f ff ff ff")]
    [InlineData("db 7f ff ff ff")]
    [InlineData("c6 7f ff ff ff")]
    [InlineData("91 dd 7f ff ff ff")]
    public void HugeDeclaredLengths_FailFastWithoutAllocatingForThem(string hex)
    {
        byte[] body = Hex.Bytes(hex);
        long before = GC.GetAllocatedBytesForCurrentThread();

        MsgPackFormatException ex = Assert.Throws<MsgPackFormatException>(() => MsgPackCodec.Parse(body));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);

        // The declared lengths ask for gigabytes; the exception and its message are a few kilobytes at most.
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Nesting_64LevelsIsAcceptedAnd65Refused()
    {
        byte[] ok = [.. Enumerable.Repeat((byte)0x91, 64), 0xc0];
        WireValue value = MsgPackCodec.Parse(ok);
        for (int i = 0; i < 64; i++)
        {
            value = value.AsArray()[0];
        }

        Assert.Equal(WireKind.Nil, value.Kind);

        byte[] tooDeep = [.. Enumerable.Repeat((byte)0x91, 65), 0xc0];
        WireFormatException ex = Assert.ThrowsAny<WireFormatException>(() => MsgPackCodec.Parse(tooDeep));
        Assert.Equal("nesting deeper than 64 levels at offset 64", ex.Message);

        // Maps count as levels the same way.
        var mapNest = new List<byte>();
        for (int i = 0; i < 65; i++)
        {
            mapNest.AddRange([0x81, 0xa1, (byte)'k']);
        }

        mapNest.Add(0xc0);
        ex = Assert.ThrowsAny<WireFormatException>(() => MsgPackCodec.Parse(mapNest.ToArray()));
        Assert.StartsWith("nesting deeper than 64 levels", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HostileDeepNesting_IsACleanError(bool terminated)
    {
        byte[] body = new byte[100_000 + (terminated ? 1 : 0)];
        body.AsSpan(0, 100_000).Fill(0x91);
        if (terminated)
        {
            body[^1] = 0xc0;
        }

        WireFormatException ex = Assert.ThrowsAny<WireFormatException>(() => MsgPackCodec.Parse(body));
        Assert.StartsWith("nesting deeper than 64 levels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_RefusesTreesDeeperThanParseAccepts()
    {
        WireValue value = WireValue.Nil;
        for (int i = 0; i < 64; i++)
        {
            value = WireValue.Array([value]);
        }

        Assert.Equal(65, MsgPackCodec.Serialize(value).Length);
        Assert.Throws<InvalidOperationException>(() => MsgPackCodec.Serialize(WireValue.Array([value])));
    }

    [Fact]
    public void Scalars_ParseToTheirKinds()
    {
        Assert.Equal(WireKind.Nil, MsgPackCodec.Parse([0xc0]).Kind);
        Assert.True(MsgPackCodec.Parse([0xc3]).AsBoolean());
        Assert.True(MsgPackCodec.Parse(Hex.Bytes("d3 80 00 00 00 00 00 00 00")).TryGetInt64(out long min));
        Assert.Equal(long.MinValue, min);
        Assert.Equal("", MsgPackCodec.Parse([0xa0]).AsString());
        Assert.Equal(0, MsgPackCodec.Parse(Hex.Bytes("c4 00")).AsBinary().Length);
        Assert.Empty(MsgPackCodec.Parse([0x80]).AsMap());
    }
}
