using System.Diagnostics.CodeAnalysis;

namespace AudioFunctions.Wire;

/// <summary>
/// An immutable, format-neutral value tree: what an HTTP request or response body holds, whether it travels as msgpack
/// or JSON. Parsed by <see cref="MsgPackCodec"/> and <see cref="JsonCodec"/> and written back by either.
/// </summary>
/// <remarks>
/// Integers remember whether they exceed <see cref="long.MaxValue"/>, and floats whether they are float32, so a
/// msgpack body re-serializes to the same bytes. Arrays and maps are copied on construction; binary memory is not
/// (see <see cref="Binary"/>).
/// </remarks>
public sealed class WireValue
{
    // _scalar holds, by kind: Boolean 0/1; Integer the two's-complement bits; Float the IEEE bits (float32 bits when
    // SingleFlag is set, so NaN payloads survive). UnsignedFlag marks an Integer above long.MaxValue.
    private const byte UnsignedFlag = 1;
    private const byte SingleFlag = 2;

    // The fixint range: by far the most common integers in bodies, cached so parsing them allocates nothing.
    private const int SmallMin = -32;
    private const int SmallMax = 127;

    private static readonly WireValue _false = new(WireKind.Boolean, 0, 0, null);
    private static readonly WireValue _true = new(WireKind.Boolean, 0, 1, null);
    private static readonly WireValue[] _smallIntegers = CreateSmallIntegers();

    private readonly byte _flags;
    private readonly ulong _scalar;

    // By kind: string; ReadOnlyArrayList of items or of entries; a boxed ReadOnlyMemory<byte> for Binary. Binary
    // pays for a box so every other value, float samples above all, stays 16 bytes smaller.
    private readonly object? _storage;

    private WireValue(WireKind kind, byte flags, ulong scalar, object? storage)
    {
        Kind = kind;
        _flags = flags;
        _scalar = scalar;
        _storage = storage;
    }

    /// <summary>The nil value (JSON null); a shared instance.</summary>
    public static WireValue Nil { get; } = new(WireKind.Nil, 0, 0, null);

    /// <summary>Which factory made the value, and so which accessors apply.</summary>
    public WireKind Kind { get; }

    /// <summary>True for a Float that msgpack writes as float32.</summary>
    internal bool IsFloat32 => (_flags & SingleFlag) != 0;

    /// <summary>True for an Integer above <see cref="long.MaxValue"/>; <see cref="RawBits"/> is then the ulong.</summary>
    internal bool IsAboveInt64 => (_flags & UnsignedFlag) != 0;

    /// <summary>Integer or float bits as stored; see the field comment for their meaning.</summary>
    internal ulong RawBits => _scalar;

    internal ReadOnlySpan<WireValue> Items => ((ReadOnlyArrayList<WireValue>)_storage!).Span;

    internal ReadOnlySpan<KeyValuePair<string, WireValue>> Entries =>
        ((ReadOnlyArrayList<KeyValuePair<string, WireValue>>)_storage!).Span;

    public static WireValue Boolean(bool value) => value ? _true : _false;

    /// <summary>An integer; those in the fixint range (-32..127) are shared instances.</summary>
    public static WireValue Integer(long value) =>
        value is >= SmallMin and <= SmallMax
            ? _smallIntegers[value - SmallMin]
            : new WireValue(WireKind.Integer, 0, (ulong)value, null);

    /// <summary>An integer; values above <see cref="long.MaxValue"/> are kept exactly.</summary>
    public static WireValue Integer(ulong value) =>
        value <= long.MaxValue ? Integer((long)value) : new WireValue(WireKind.Integer, UnsignedFlag, value, null);

    /// <summary>A float that msgpack writes as float64.</summary>
    public static WireValue Float(double value) =>
        new(WireKind.Float, 0, BitConverter.DoubleToUInt64Bits(value), null);

    /// <summary>A float that msgpack writes as float32 and JSON as the shortest text that round-trips the float.</summary>
    public static WireValue Float32(float value) =>
        new(WireKind.Float, SingleFlag, BitConverter.SingleToUInt32Bits(value), null);

    /// <summary>A string; msgpack writes it as UTF-8, with unpaired surrogates replaced by U+FFFD.</summary>
    public static WireValue String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new WireValue(WireKind.String, 0, 0, value);
    }

    /// <summary>Binary data.</summary>
    /// <param name="value">Not copied: the value takes ownership, so the caller must not change the memory later.</param>
    public static WireValue Binary(ReadOnlyMemory<byte> value) => new(WireKind.Binary, 0, 0, value);

    /// <summary>An array of the given items, copied so later changes to the list do not show.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public static WireValue Array(IReadOnlyList<WireValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var copy = new WireValue[items.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = items[i] ?? throw new ArgumentException($"item {i} is null", nameof(items));
        }

        return FromOwnedItems(copy);
    }

    /// <summary>An array of float32 items (for example audio samples).</summary>
    public static WireValue FloatArray(ReadOnlySpan<float> values)
    {
        var items = new WireValue[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            items[i] = Float32(values[i]);
        }

        return FromOwnedItems(items);
    }

    /// <summary>A map with the given entries in the given order, copied so later changes to the list do not show.</summary>
    /// <exception cref="ArgumentException">A key or value is null, or two keys are equal (ordinal).</exception>
    public static WireValue Map(IReadOnlyList<KeyValuePair<string, WireValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var copy = new KeyValuePair<string, WireValue>[entries.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = entries[i];
        }

        return FromCheckedEntries(copy, nameof(entries));
    }

    /// <inheritdoc cref="Map(IReadOnlyList{KeyValuePair{string, WireValue}})"/>
    public static WireValue Map(params (string Key, WireValue Value)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var copy = new KeyValuePair<string, WireValue>[entries.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = new KeyValuePair<string, WireValue>(entries[i].Key, entries[i].Value);
        }

        return FromCheckedEntries(copy, nameof(entries));
    }

    /// <exception cref="InvalidOperationException">The value is not a Boolean.</exception>
    public bool AsBoolean()
    {
        EnsureKind(WireKind.Boolean);
        return _scalar != 0;
    }

    /// <summary>
    /// The value as a long: an Integer within range, or a Float whose value is integral and within range.
    /// False for anything else, including other kinds.
    /// </summary>
    public bool TryGetInt64(out long value)
    {
        // -2^63 is exactly representable and in range; 2^63 is the first double past long.MaxValue.
        bool exact = Kind == WireKind.Integer
            ? !IsAboveInt64
            : IsIntegralFloatIn(-9223372036854775808.0, 9223372036854775808.0);
        value = !exact ? 0 : Kind == WireKind.Integer ? (long)_scalar : (long)FloatValue;
        return exact;
    }

    /// <summary>
    /// The value as a ulong: a non-negative Integer, or a Float whose value is integral, non-negative and within range.
    /// </summary>
    public bool TryGetUInt64(out ulong value)
    {
        // 2^64 is the first double past ulong.MaxValue.
        bool exact = Kind == WireKind.Integer
            ? IsAboveInt64 || (long)_scalar >= 0
            : IsIntegralFloatIn(0, 18446744073709551616.0);
        value = !exact ? 0 : Kind == WireKind.Integer ? _scalar : (ulong)FloatValue;
        return exact;
    }

    /// <summary>The value as a double: a Float, or an Integer converted to the nearest double.</summary>
    public bool TryGetDouble(out double value)
    {
        value = Kind switch
        {
            WireKind.Float => FloatValue,
            WireKind.Integer => IsAboveInt64 ? (double)_scalar : (long)_scalar,
            _ => 0,
        };
        return Kind is WireKind.Float or WireKind.Integer;
    }

    /// <exception cref="InvalidOperationException">The value is not a String.</exception>
    public string AsString()
    {
        EnsureKind(WireKind.String);
        return (string)_storage!;
    }

    /// <exception cref="InvalidOperationException">The value is not Binary.</exception>
    public ReadOnlyMemory<byte> AsBinary()
    {
        EnsureKind(WireKind.Binary);
        return (ReadOnlyMemory<byte>)_storage!;
    }

    /// <exception cref="InvalidOperationException">The value is not an Array.</exception>
    public IReadOnlyList<WireValue> AsArray()
    {
        EnsureKind(WireKind.Array);
        return (ReadOnlyArrayList<WireValue>)_storage!;
    }

    /// <summary>The map's entries in their original order.</summary>
    /// <exception cref="InvalidOperationException">The value is not a Map.</exception>
    public IReadOnlyList<KeyValuePair<string, WireValue>> AsMap()
    {
        EnsureKind(WireKind.Map);
        return (ReadOnlyArrayList<KeyValuePair<string, WireValue>>)_storage!;
    }

    /// <summary>Looks up <paramref name="key"/> (ordinal comparison) with a linear scan; false when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not a Map.</exception>
    public bool TryGetProperty(string key, [MaybeNullWhen(false)] out WireValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureKind(WireKind.Map);
        foreach (KeyValuePair<string, WireValue> entry in Entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>A compact JSON-like rendering for logs and debugging; not a wire format.</summary>
    public override string ToString() => WireValueFormatter.Format(this);

    /// <summary>The Float's value, widened to double when it is a float32.</summary>
    internal double FloatValue =>
        IsFloat32 ? BitConverter.UInt32BitsToSingle((uint)_scalar) : BitConverter.UInt64BitsToDouble(_scalar);

    /// <summary>A Float from raw IEEE bits, as a parser read them.</summary>
    internal static WireValue FromFloatBits(ulong bits, bool isFloat32) =>
        new(WireKind.Float, isFloat32 ? SingleFlag : (byte)0, bits, null);

    /// <summary>A String from a parser that has already checked the text; skips the null check.</summary>
    internal static WireValue FromParsedString(string value) => new(WireKind.String, 0, 0, value);

    /// <summary>An Array over <paramref name="items"/>, which the caller hands over and must not touch again.</summary>
    internal static WireValue FromOwnedItems(WireValue[] items) =>
        new(WireKind.Array, 0, 0, new ReadOnlyArrayList<WireValue>(items));

    /// <summary>
    /// A Map over <paramref name="entries"/>, which the caller hands over and must not touch again. The caller
    /// vouches that keys and values are non-null and keys are distinct.
    /// </summary>
    internal static WireValue FromOwnedEntries(KeyValuePair<string, WireValue>[] entries) =>
        new(WireKind.Map, 0, 0, new ReadOnlyArrayList<KeyValuePair<string, WireValue>>(entries));

    private static WireValue FromCheckedEntries(KeyValuePair<string, WireValue>[] entries, string paramName)
    {
        var keys = default(MapKeyTracker);
        for (int i = 0; i < entries.Length; i++)
        {
            string? key = entries[i].Key;
            if (key is null || entries[i].Value is null)
            {
                throw new ArgumentException($"entry {i} has a null key or value", paramName);
            }

            if (!keys.TryAdd(entries.AsSpan(0, i), key))
            {
                throw new ArgumentException(WireRules.DuplicateKey(key), paramName);
            }
        }

        return FromOwnedEntries(entries);
    }

    private static WireValue[] CreateSmallIntegers()
    {
        var values = new WireValue[SmallMax - SmallMin + 1];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = new WireValue(WireKind.Integer, 0, (ulong)(long)(i + SmallMin), null);
        }

        return values;
    }

    private bool IsIntegralFloatIn(double min, double maxExclusive) =>
        Kind == WireKind.Float && FloatValue is var d && double.IsInteger(d) && d >= min && d < maxExclusive;

    private void EnsureKind(WireKind expected)
    {
        if (Kind != expected)
        {
            throw new InvalidOperationException($"the value is {Kind}, not {expected}");
        }
    }
}
