using System.Buffers;
using System.Text;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Wire;

public sealed class JsonCodecTests
{
    private static WireValue Parse(string json) => JsonCodec.Parse(Encoding.UTF8.GetBytes(json));

    private static string Text(WireValue value) => Encoding.UTF8.GetString(JsonCodec.Serialize(value));

    [Fact]
    public void NestedObject_ParsesToTheTree()
    {
        WireValue value = Parse("""
            {"format":"pcm16","rate":48000,"gain":-3.5,"tags":["a\u20ac",null,true,false],
             "nested":{"empty":[],"none":{}},"big":18446744073709551615,"min":-9223372036854775808}
            """);

        Assert.Equal(WireKind.Map, value.Kind);
        Assert.True(value.TryGetProperty("format", out WireValue? format));
        Assert.Equal("pcm16", format.AsString());
        Assert.True(value.TryGetProperty("rate", out WireValue? rate));
        Assert.Equal(WireKind.Integer, rate.Kind);
        Assert.True(value.TryGetProperty("gain", out WireValue? gain));
        Assert.Equal(WireKind.Float, gain.Kind);
        Assert.True(gain.TryGetDouble(out double gainValue));
        Assert.Equal(-3.5, gainValue);
        Assert.True(value.TryGetProperty("tags", out WireValue? tags));
        Assert.Equal("a€", tags.AsArray()[0].AsString());
        Assert.Equal(WireKind.Nil, tags.AsArray()[1].Kind);
        Assert.True(tags.AsArray()[2].AsBoolean());
        Assert.True(value.TryGetProperty("nested", out WireValue? nested));
        Assert.True(nested.TryGetProperty("none", out WireValue? none));
        Assert.Empty(none.AsMap());
        Assert.True(value.TryGetProperty("big", out WireValue? big));
        Assert.True(big.TryGetUInt64(out ulong bigValue));
        Assert.Equal(ulong.MaxValue, bigValue);
        Assert.True(value.TryGetProperty("min", out WireValue? min));
        Assert.True(min.TryGetInt64(out long minValue));
        Assert.Equal(long.MinValue, minValue);
    }

    [Theory]
    [InlineData("0", WireKind.Integer)]
    [InlineData("-1", WireKind.Integer)]
    [InlineData("9223372036854775807", WireKind.Integer)]
    [InlineData("18446744073709551615", WireKind.Integer)]
    [InlineData("18446744073709551616", WireKind.Float)]
    [InlineData("-9223372036854775809", WireKind.Float)]
    [InlineData("1.0", WireKind.Float)]
    [InlineData("1e3", WireKind.Float)]
    [InlineData("-0.5", WireKind.Float)]
    public void Numbers_AreIntegersOnlyWhenTheLiteralIsAnIntegerThatFits(string json, WireKind kind) =>
        Assert.Equal(kind, Parse(json).Kind);

    [Fact]
    public void IntegralFloats_StillReadAsInt64()
    {
        Assert.True(Parse("1e3").TryGetInt64(out long thousand));
        Assert.Equal(1000, thousand);
        Assert.False(Parse("1.5").TryGetInt64(out _));
        Assert.False(Parse("1e19").TryGetInt64(out _));
    }

    [Theory]
    [InlineData("", "JSON body is empty")]
    [InlineData("\uFEFF", "JSON body is empty")]
    [InlineData("{\"a\":1,\"a\":2}", "duplicate key 'a' at offset 7")]
    [InlineData("[1e400]", "JSON number is out of range at offset 1")]
    [InlineData("\"\\ud800\"", "JSON string is not valid UTF-8 or has an invalid escape at offset 0")]
    public void InvalidBodies_ThrowWithAPlainMessage(string json, string message)
    {
        WireFormatException ex = Assert.Throws<WireFormatException>(() => Parse(json));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("1 2")]
    [InlineData("[1] x")]
    [InlineData("// comment\n1")]
    [InlineData("{'a':1}")]
    [InlineData("NaN")]
    [InlineData("[\"unterminated]")]
    public void MalformedJson_BecomesWireFormatException(string json)
    {
        WireFormatException ex = Assert.Throws<WireFormatException>(() => Parse(json));
        Assert.StartsWith("JSON body is malformed: ", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void InvalidUtf8InAString_IsAWireFormatException()
    {
        byte[] body = [(byte)'[', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)']'];
        Assert.ThrowsAny<WireFormatException>(() => JsonCodec.Parse(body));
    }

    [Fact]
    public void ByteOrderMark_IsSkipped() =>
        Assert.Equal(7, JsonCodec.Parse([0xef, 0xbb, 0xbf, (byte)'7']).TryGetInt64(out long seven) ? seven : -1);

    [Fact]
    public void Nesting_64LevelsIsAcceptedAnd65Refused()
    {
        Assert.Equal(WireKind.Array, Parse(new string('[', 64) + new string(']', 64)).Kind);

        WireFormatException ex = Assert.Throws<WireFormatException>(() => Parse(new string('[', 65) + new string(']', 65)));
        Assert.Equal("nesting deeper than 64 levels at offset 64", ex.Message);

        string objects = string.Concat(Enumerable.Repeat("{\"k\":", 65)) + "1" + new string('}', 65);
        ex = Assert.Throws<WireFormatException>(() => Parse(objects));
        Assert.StartsWith("nesting deeper than 64 levels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileDeepNesting_IsACleanError()
    {
        WireFormatException ex = Assert.Throws<WireFormatException>(() => Parse(new string('[', 100_000)));
        Assert.StartsWith("nesting deeper than 64 levels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ProducesCompactJson()
    {
        WireValue value = WireValue.Map(
            ("a", WireValue.Integer(1)),
            ("b", WireValue.Array([WireValue.Nil, WireValue.Boolean(true), WireValue.Boolean(false)])),
            ("c", WireValue.String("x\"y")),
            ("d", WireValue.Float(2.5)),
            ("e", WireValue.Binary(new byte[] { 1, 2, 3, 4 })),
            ("f", WireValue.Integer(ulong.MaxValue)),
            ("g", WireValue.Integer(long.MinValue)),
            ("h", WireValue.Map()));

        Assert.Equal(
            """{"a":1,"b":[null,true,false],"c":"x\"y","d":2.5,"e":"AQIDBA==","f":18446744073709551615,"g":-9223372036854775808,"h":{}}""",
            Text(value));
    }

    [Fact]
    public void Float32_IsWrittenAsTheShortestTextThatRoundTripsTheFloat()
    {
        Assert.Equal("[0.1,1.5,-3.4028235E+38]", Text(WireValue.FloatArray([0.1f, 1.5f, float.MinValue])));

        // The same value widened to double would need all its digits.
        Assert.Equal("0.10000000149011612", Text(WireValue.Float(0.1f)));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteFloats_CannotBeWritten(double number)
    {
        Assert.Throws<InvalidOperationException>(() => JsonCodec.Serialize(WireValue.Float(number)));
        Assert.Throws<InvalidOperationException>(() => JsonCodec.Serialize(WireValue.Array([WireValue.Float32((float)number)])));
    }

    [Fact]
    public void Write_AppendsToTheCallersBuffer()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("x"u8);

        JsonCodec.Write(WireValue.Array([WireValue.Integer(1)]), output);

        Assert.Equal("x[1]", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Write_RefusesTreesDeeperThanParseAccepts()
    {
        WireValue value = WireValue.Nil;
        for (int i = 0; i < 65; i++)
        {
            value = WireValue.Array([value]);
        }

        Assert.Throws<InvalidOperationException>(() => JsonCodec.Serialize(value));
    }

    [Fact]
    public void GeneratedTrees_RoundTripThroughJsonText()
    {
        var generator = new WireTreeGenerator(seed: 7, jsonSafe: true);
        for (int i = 0; i < 300; i++)
        {
            WireValue tree = generator.Next();
            byte[] first = JsonCodec.Serialize(tree);
            WireValue parsed = JsonCodec.Parse(first);
            AssertSameJsonValue(tree, parsed, "$");

            // JSON text may change once (a float32 -2.41E+15 comes back as a double written -2410680900000000, or an
            // integral float as an integer), but after that one normalisation it must be a fixed point.
            byte[] second = JsonCodec.Serialize(parsed);
            byte[] third = JsonCodec.Serialize(JsonCodec.Parse(second));
            Assert.Equal(Encoding.UTF8.GetString(second), Encoding.UTF8.GetString(third));
        }
    }

    [Fact]
    public void MutatedJson_EitherParsesOrThrowsWireFormatException()
    {
        var generator = new WireTreeGenerator(seed: 11, jsonSafe: true);
        var random = new Random(11);
        byte[] interesting = [.. "{}[]\",:\\u0123456789eE+-.tfn "u8, 0xff, 0x80, 0xc3];
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[] json = JsonCodec.Serialize(generator.Next());
            for (int m = 0; m < 20; m++)
            {
                byte[] mutated = (byte[])json.Clone();
                mutated[random.Next(mutated.Length)] = interesting[random.Next(interesting.Length)];
                try
                {
                    JsonCodec.Parse(mutated);
                    parsed++;
                }
                catch (WireFormatException)
                {
                    rejected++;
                }
            }
        }

        Assert.True(parsed > 0 && rejected > 0, $"parsed {parsed}, rejected {rejected}");
    }

    /// <summary>Asserts <paramref name="actual"/> carries what <paramref name="expected"/> does, as far as JSON can.</summary>
    private static void AssertSameJsonValue(WireValue expected, WireValue actual, string path)
    {
        switch (expected.Kind)
        {
            case WireKind.Integer:
                Assert.Equal(WireKind.Integer, actual.Kind);
                Assert.Equal(expected.TryGetInt64(out long e64), actual.TryGetInt64(out long a64));
                Assert.Equal(expected.TryGetUInt64(out ulong eu64), actual.TryGetUInt64(out ulong au64));
                Assert.Equal((e64, eu64), (a64, au64));
                break;
            case WireKind.Float:
                Assert.True(actual.TryGetDouble(out double number), path);
                expected.TryGetDouble(out double wanted);

                // A float32 is written as its shortest float text, which reads back as the double nearest that text.
                Assert.Equal(wanted, expected.IsFloat32 ? (float)number : number);
                break;
            case WireKind.Array:
                Assert.Equal(expected.AsArray().Count, actual.AsArray().Count);
                for (int i = 0; i < expected.AsArray().Count; i++)
                {
                    AssertSameJsonValue(expected.AsArray()[i], actual.AsArray()[i], $"{path}[{i}]");
                }

                break;
            case WireKind.Map:
                Assert.Equal(expected.AsMap().Count, actual.AsMap().Count);
                for (int i = 0; i < expected.AsMap().Count; i++)
                {
                    Assert.Equal(expected.AsMap()[i].Key, actual.AsMap()[i].Key);
                    AssertSameJsonValue(expected.AsMap()[i].Value, actual.AsMap()[i].Value, $"{path}.{expected.AsMap()[i].Key}");
                }

                break;
            default:
                Assert.Equal(expected.Kind, actual.Kind);
                Assert.Equal(expected.ToString(), actual.ToString());
                break;
        }
    }
}
