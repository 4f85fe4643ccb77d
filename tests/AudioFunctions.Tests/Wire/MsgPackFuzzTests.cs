using AudioFunctions.Wire;
using AudioFunctions.Wire.MsgPack;

namespace AudioFunctions.Tests.Wire;

/// <summary>
/// Deterministic fuzzing: whatever the bytes, parsing either succeeds or throws <see cref="WireFormatException"/>.
/// Any other exception escapes the try blocks below and fails the test with the offending input in the message.
/// </summary>
public sealed class MsgPackFuzzTests
{
    // First bytes that start real items, so random input gets past the first byte often enough to be interesting.
    private static readonly byte[] _typeBytes =
    [
        0x00, 0x01, 0x7f, 0xe0, 0xff, 0x80, 0x81, 0x82, 0x8f, 0x90, 0x91, 0x92, 0x9f, 0xa0, 0xa1, 0xa3, 0xbf,
        0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
        0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    ];

    [Fact]
    public void RandomBytes_EitherParseOrThrowWireFormatException()
    {
        var random = new Random(20240611);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 25_000; i++)
        {
            byte[] input = new byte[random.Next(0, 65)];
            for (int j = 0; j < input.Length; j++)
            {
                input[j] = random.Next(4) switch
                {
                    0 or 1 => _typeBytes[random.Next(_typeBytes.Length)],
                    2 => (byte)random.Next(0, 4),
                    _ => (byte)random.Next(256),
                };
            }

            if (TryParse(input))
            {
                parsed++;
            }
            else
            {
                rejected++;
            }

            // Every fourth input also drives the reader directly: enough coverage, a quarter of the exceptions.
            if (i % 4 == 0)
            {
                ExerciseReader(input);
            }
        }

        // Both outcomes must occur, or the generator is not reaching the parser's interesting paths. Whole values are
        // the rarer outcome: random bytes seldom end exactly where a value does.
        Assert.True(parsed > 100 && rejected > 1000, $"parsed {parsed}, rejected {rejected}");
    }

    [Fact]
    public void GeneratedTrees_RoundTripToIdenticalBytes()
    {
        var generator = new WireTreeGenerator(seed: 42, jsonSafe: false);
        for (int i = 0; i < 400; i++)
        {
            byte[] first = MsgPackCodec.Serialize(generator.Next());
            byte[] second = MsgPackCodec.Serialize(MsgPackCodec.Parse(first));

            Assert.Equal(Hex.Of(first), Hex.Of(second));

            var reader = new MsgPackReader(first);
            Assert.True(reader.TrySkip());
            Assert.Equal(first.Length, reader.Consumed);
        }
    }

    [Fact]
    public void EveryTruncatedPrefixOfAValidTree_IsRejected()
    {
        var generator = new WireTreeGenerator(seed: 43, jsonSafe: false);
        for (int i = 0; i < 300; i++)
        {
            byte[] bytes = MsgPackCodec.Serialize(generator.Next(maxDepth: 3));
            for (int length = 0; length < bytes.Length; length++)
            {
                // msgpack is self-delimiting, so no strict prefix of one value can itself be a whole value.
                Assert.False(TryParse(bytes.AsSpan(0, length)), $"prefix {length} of {Hex.Of(bytes)} parsed");

                var reader = new MsgPackReader(bytes.AsSpan(0, length));
                Assert.False(reader.TrySkip());
                Assert.Equal(0, reader.Consumed);
            }
        }
    }

    [Fact]
    public void SingleByteMutationsOfValidTrees_EitherParseOrThrowWireFormatException()
    {
        var generator = new WireTreeGenerator(seed: 44, jsonSafe: false);
        var random = new Random(44);
        for (int i = 0; i < 300; i++)
        {
            byte[] bytes = MsgPackCodec.Serialize(generator.Next());
            for (int m = 0; m < 12; m++)
            {
                byte[] mutated = (byte[])bytes.Clone();
                int position = random.Next(mutated.Length);
                mutated[position] = random.Next(2) == 0 ? _typeBytes[random.Next(_typeBytes.Length)] : (byte)random.Next(256);

                TryParse(mutated);
                ExerciseReader(mutated);
            }
        }
    }

    /// <summary>True if the input parsed; false if it was rejected with a <see cref="WireFormatException"/>.</summary>
    private static bool TryParse(ReadOnlySpan<byte> input)
    {
        try
        {
            MsgPackCodec.Parse(input);
            return true;
        }
        catch (WireFormatException)
        {
            return false;
        }
    }

    /// <summary>Drives every reader operation over the input; only <see cref="MsgPackFormatException"/> may escape them.</summary>
    private static void ExerciseReader(byte[] input)
    {
        try
        {
            var skipper = new MsgPackReader(input);
            while (skipper.TrySkip())
            {
            }
        }
        catch (MsgPackFormatException)
        {
        }

        for (int operation = 0; operation < 12; operation++)
        {
            var reader = new MsgPackReader(input);
            try
            {
                _ = operation switch
                {
                    0 => reader.TryReadNil(),
                    1 => reader.TryReadBoolean(out _),
                    2 => reader.TryReadInt64(out _),
                    3 => reader.TryReadUInt64(out _),
                    4 => reader.TryReadDouble(out _),
                    5 => reader.TryReadStringUtf8(out _),
                    6 => reader.TryReadString(out _),
                    7 => reader.TryReadBinary(out _),
                    8 => reader.TryReadArrayHeader(out _),
                    9 => reader.TryReadMapHeader(out _),
                    10 => reader.TryReadExtension(out _, out _),
                    _ => reader.TryPeekType(out _),
                };
            }
            catch (MsgPackFormatException)
            {
                Assert.Equal(0, reader.Consumed);
            }
        }
    }
}
