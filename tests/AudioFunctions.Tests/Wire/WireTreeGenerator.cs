using System.Text;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Wire;

/// <summary>
/// Builds random but valid <see cref="WireValue"/> trees from a seed, reaching every encoding boundary the writers
/// have (fixint/uint/int widths, fixstr/str8/str16, bin8/bin16, fix/16 containers, hash-checked maps).
/// </summary>
internal sealed class WireTreeGenerator
{
    // Whole text elements, so a random concatenation is always valid UTF-16 (no split surrogate pairs).
    private static readonly string[] _textPieces = ["a", "b", "z", "0", " ", "é", "€", "😀", "\"", "\\", "\n", "\u0001", "<", "ß"];

    private static readonly long[] _integerEdges =
    [
        0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, uint.MaxValue, 1L + uint.MaxValue, long.MaxValue,
        -1, -32, -33, -128, -129, -32768, -32769, int.MinValue, int.MinValue - 1L, long.MinValue,
    ];

    private readonly Random _random;
    private readonly bool _jsonSafe;
    private int _budget;

    /// <param name="seed">Fixes the sequence, so a failure reproduces.</param>
    /// <param name="jsonSafe">
    /// Leave out what JSON cannot carry or cannot bring back as the same text: NaN, infinities, negative zero and
    /// binary (which JSON turns into a base64 String).
    /// </param>
    public WireTreeGenerator(int seed, bool jsonSafe)
    {
        _random = new Random(seed);
        _jsonSafe = jsonSafe;
    }

    /// <summary>A tree of at most about 40 nodes and <paramref name="maxDepth"/> container levels.</summary>
    public WireValue Next(int maxDepth = 4)
    {
        _budget = 40;
        return NextValue(maxDepth);
    }

    private WireValue NextValue(int depthLeft)
    {
        _budget--;
        int choice = _random.Next(depthLeft > 0 && _budget > 0 ? 11 : 8);
        return choice switch
        {
            0 => WireValue.Nil,
            1 => WireValue.Boolean(_random.Next(2) == 1),
            2 => WireValue.Integer(NextInteger()),
            3 => WireValue.Integer(ulong.MaxValue - (ulong)_random.Next(3) - (_random.Next(2) == 0 ? 0 : (ulong)_random.NextInt64())),
            4 => WireValue.Float(NextDouble()),
            5 => WireValue.Float32(NextSingle()),
            6 => WireValue.String(NextText()),
            // JSON has no binary: it writes base64 text and reads back a String, so a JSON round trip starts from that.
            7 when _jsonSafe => WireValue.String(Convert.ToBase64String(NextBinary())),
            7 => WireValue.Binary(NextBinary()),
            8 or 9 => NextArray(depthLeft - 1),
            _ => NextMap(depthLeft - 1),
        };
    }

    private long NextInteger()
    {
        long edge = _integerEdges[_random.Next(_integerEdges.Length)];
        return _random.Next(3) switch
        {
            0 => edge,
            1 => edge + _random.Next(-1, 2),
            _ => _random.NextInt64(long.MinValue, long.MaxValue) >> _random.Next(64),
        };
    }

    private double NextDouble()
    {
        double[] specials = [0.0, -0.0, 1.5, 0.1, -2.5e-300, 1e300, double.Epsilon, double.NaN, double.PositiveInfinity, 3.0, 1e20];
        while (true)
        {
            double value = _random.Next(2) == 0
                ? specials[_random.Next(specials.Length)]
                : BitConverter.Int64BitsToDouble(_random.NextInt64(long.MinValue, long.MaxValue));
            // Negative zero's bits are those of long.MinValue; JSON would bring it back as the integer 0.
            if (!_jsonSafe || (double.IsFinite(value) && BitConverter.DoubleToInt64Bits(value) != long.MinValue))
            {
                return value;
            }
        }
    }

    private float NextSingle()
    {
        float[] specials = [0f, -0f, 1.5f, 0.1f, float.Epsilon, float.MaxValue, float.NaN, float.NegativeInfinity, 16777216f];
        while (true)
        {
            float value = _random.Next(2) == 0
                ? specials[_random.Next(specials.Length)]
                : BitConverter.Int32BitsToSingle(_random.Next(int.MinValue, int.MaxValue));
            if (!_jsonSafe || (float.IsFinite(value) && BitConverter.SingleToInt32Bits(value) != int.MinValue))
            {
                return value;
            }
        }
    }

    private string NextText()
    {
        // Mostly short, sometimes long enough to cross the fixstr (31) and str8 (255) byte boundaries.
        int pieces = _random.Next(10) switch
        {
            0 => _random.Next(25, 40),
            1 => _random.Next(250, 300),
            _ => _random.Next(0, 12),
        };
        var builder = new StringBuilder();
        for (int i = 0; i < pieces; i++)
        {
            builder.Append(_textPieces[_random.Next(_textPieces.Length)]);
        }

        return builder.ToString();
    }

    private byte[] NextBinary()
    {
        byte[] data = new byte[_random.Next(10) == 0 ? _random.Next(250, 300) : _random.Next(0, 20)];
        _random.NextBytes(data);
        return data;
    }

    private WireValue NextArray(int depthLeft)
    {
        // Now and then 16..20 items to cross from fixarray to array16.
        int count = _random.Next(8) == 0 ? _random.Next(16, 21) : _random.Next(0, 5);
        var items = new WireValue[count];
        for (int i = 0; i < count; i++)
        {
            items[i] = _random.Next(3) == 0 || _budget <= 0 ? WireValue.Integer(i) : NextValue(depthLeft);
        }

        return WireValue.Array(items);
    }

    private WireValue NextMap(int depthLeft)
    {
        // Now and then enough keys to cross from fixmap to map16 and to put duplicate checks on the hash-set path.
        int count = _random.Next(6) == 0 ? _random.Next(9, 18) : _random.Next(0, 5);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<KeyValuePair<string, WireValue>>(count);
        while (entries.Count < count)
        {
            string key = _random.Next(2) == 0 ? $"k{_random.Next(100)}" : NextText();
            if (keys.Add(key))
            {
                WireValue value = _random.Next(3) == 0 || _budget <= 0 ? WireValue.Boolean(true) : NextValue(depthLeft);
                entries.Add(new KeyValuePair<string, WireValue>(key, value));
            }
        }

        return WireValue.Map(entries);
    }
}
