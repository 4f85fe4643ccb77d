using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Wire;

public sealed class WireValueTests
{
    [Theory]
    [InlineData(42.0, true, 42L)]
    [InlineData(-9223372036854775808.0, true, long.MinValue)]
    [InlineData(9223372036854775808.0, false, 0L)]
    [InlineData(1.5, false, 0L)]
    [InlineData(double.NaN, false, 0L)]
    public void TryGetInt64_AcceptsIntegralFloatsInRange(double number, bool expected, long value)
    {
        Assert.Equal(expected, WireValue.Float(number).TryGetInt64(out long actual));
        Assert.Equal(value, actual);
    }

    [Fact]
    public void Integers_KeepValuesAboveInt64Exactly()
    {
        WireValue big = WireValue.Integer(ulong.MaxValue);

        Assert.Equal(WireKind.Integer, big.Kind);
        Assert.False(big.TryGetInt64(out _));
        Assert.True(big.TryGetUInt64(out ulong value));
        Assert.Equal(ulong.MaxValue, value);
        Assert.True(big.TryGetDouble(out double approx));
        Assert.Equal(18446744073709551615.0, approx);

        Assert.True(WireValue.Integer(-5).TryGetInt64(out long negative));
        Assert.Equal(-5, negative);
        Assert.False(WireValue.Integer(-5).TryGetUInt64(out _));
        Assert.True(WireValue.Integer(7UL).TryGetInt64(out long small));
        Assert.Equal(7, small);
    }

    [Fact]
    public void TryGetDouble_IsFalseForNonNumbers()
    {
        Assert.False(WireValue.String("1").TryGetDouble(out _));
        Assert.False(WireValue.Nil.TryGetInt64(out _));
        Assert.True(WireValue.Float32(0.1f).TryGetDouble(out double widened));
        Assert.Equal((double)0.1f, widened);
    }

    [Fact]
    public void Accessors_ThrowOnTheWrongKind()
    {
        WireValue number = WireValue.Integer(1);

        Assert.Throws<InvalidOperationException>(() => number.AsBoolean());
        Assert.Throws<InvalidOperationException>(() => number.AsString());
        Assert.Throws<InvalidOperationException>(() => number.AsBinary());
        Assert.Throws<InvalidOperationException>(() => number.AsArray());
        Assert.Throws<InvalidOperationException>(() => number.AsMap());
        Assert.Throws<InvalidOperationException>(() => number.TryGetProperty("a", out _));
    }

    [Fact]
    public void Containers_AreCopiedAndReadOnly()
    {
        var items = new List<WireValue> { WireValue.Integer(1) };
        WireValue array = WireValue.Array(items);
        items.Add(WireValue.Integer(2));

        Assert.Single(array.AsArray());
        Assert.False(array.AsArray() is WireValue[]);
        Assert.False(array.AsArray() is IList<WireValue> { IsReadOnly: false });
    }

    [Fact]
    public void Map_KeepsOrderAndLooksUpOrdinally()
    {
        WireValue map = WireValue.Map(("b", WireValue.Integer(1)), ("a", WireValue.Integer(2)), ("A", WireValue.Integer(3)));

        Assert.Equal(["b", "a", "A"], map.AsMap().Select(e => e.Key));
        Assert.True(map.TryGetProperty("A", out WireValue? upper));
        Assert.True(upper.TryGetInt64(out long three));
        Assert.Equal(3, three);
        Assert.False(map.TryGetProperty("B", out _));
    }

    [Fact]
    public void Map_RejectsDuplicateAndNullKeys()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(
            () => WireValue.Map(("format", WireValue.Nil), ("x", WireValue.Nil), ("format", WireValue.Nil)));
        Assert.StartsWith("duplicate key 'format'", ex.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => WireValue.Map((null!, WireValue.Nil)));
        Assert.Throws<ArgumentException>(() => WireValue.Map(("a", null!)));
        Assert.Throws<ArgumentException>(() => WireValue.Array([WireValue.Nil, null!]));
        Assert.Throws<ArgumentNullException>(() => WireValue.String(null!));
    }

    [Fact]
    public void FloatArray_HoldsFloat32Items()
    {
        WireValue samples = WireValue.FloatArray([0.5f, -0.25f]);

        Assert.Equal(2, samples.AsArray().Count);
        Assert.True(samples.AsArray()[1].IsFloat32);
        Assert.True(samples.AsArray()[1].TryGetDouble(out double value));
        Assert.Equal(-0.25, value);
    }

    [Fact]
    public void ToString_RendersCompactJsonLikeText()
    {
        WireValue value = WireValue.Map(
            ("s", WireValue.String("a\"b\n")),
            ("n", WireValue.Array([WireValue.Nil, WireValue.Boolean(true), WireValue.Integer(-7), WireValue.Integer(ulong.MaxValue)])),
            ("f", WireValue.FloatArray([0.1f])),
            ("d", WireValue.Float(2.5)),
            ("b", WireValue.Binary(new byte[3])));

        Assert.Equal(
            """{"s":"a\"b\u000a","n":[null,true,-7,18446744073709551615],"f":[0.1],"d":2.5,"b":<binary 3 bytes>}""",
            value.ToString());
    }
}
