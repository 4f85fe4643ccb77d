using System.Text.Json;
using AudioFunctions.Audio;
using static AudioFunctions.Tests.Audio.SignalAnalysis;

namespace AudioFunctions.Tests.Audio;

/// <summary>Streaming contract: chunking and saved state never change a bit; flush ends at the rule length.</summary>
public sealed class ResamplerStreamingTests
{
    public static TheoryData<int, int> RatePairs => new()
    {
        { 44_100, 48_000 },  // exact, 160 phases
        { 96_000, 48_000 },  // integer decimation
        { 8_000, 48_000 },   // integer interpolation
        { 44_101, 48_000 },  // interpolated table
        { 48_000, 44_100 },  // downsampling, exact
        { 384_000, 48_000 }, // long filter
        { 7, 48_000 },       // thousands of outputs per input sample
        { 48_000, 48_000 },  // copy
    };

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Process_GivesBitIdenticalOutput_ForRandomChunks(int inputRateHz, int outputRateHz)
    {
        var input = SineWithNoise(inputRateHz, Math.Max(50, inputRateHz / 4) + 13, seed: 1);
        var expected = ResampleAll(input, inputRateHz, outputRateHz);

        for (var seed = 0; seed < 3; seed++)
        {
            var random = new Random(seed);
            var streamed = StreamInPieces(input, inputRateHz, outputRateHz, () => random.Next(0, 3_000), saveAndRestore: null);
            AssertBitIdentical(expected, streamed);
        }
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Process_GivesBitIdenticalOutput_OneSampleAtATime(int inputRateHz, int outputRateHz)
    {
        var input = SineWithNoise(inputRateHz, Math.Min(5_000, Math.Max(50, inputRateHz / 10)), seed: 2);
        var expected = ResampleAll(input, inputRateHz, outputRateHz);

        AssertBitIdentical(expected, StreamInPieces(input, inputRateHz, outputRateHz, () => 1, saveAndRestore: null));
    }

    [Theory]
    [MemberData(nameof(RatePairs))]
    public void Process_GivesBitIdenticalOutput_AcrossStateSavedThroughJson(int inputRateHz, int outputRateHz)
    {
        var input = SineWithNoise(inputRateHz, Math.Max(50, inputRateHz / 4) + 7, seed: 3);
        var expected = ResampleAll(input, inputRateHz, outputRateHz);
        var random = new Random(42);

        var streamed = StreamInPieces(input, inputRateHz, outputRateHz, () => random.Next(0, 5_000),
            saveAndRestore: resampler => random.Next(2) == 0 ? RoundTrip(resampler) : resampler);

        AssertBitIdentical(expected, streamed);
    }

    [Fact]
    public void SaveState_RoundTripsThroughJsonExactly()
    {
        var resampler = new Resampler(44_100);
        resampler.Process(SineWithNoise(44_100, 1_001, seed: 4), new float[2_000]);
        var state = resampler.SaveState();

        var restored = JsonSerializer.Deserialize<ResamplerState>(JsonSerializer.Serialize(state))!;

        Assert.Equal(
            (state.InputRateHz, state.OutputRateHz, state.InputSamples, state.OutputSamples, state.Flushed),
            (restored.InputRateHz, restored.OutputRateHz, restored.InputSamples, restored.OutputSamples, restored.Flushed));
        Assert.Equal((44_100, 48_000, 1_001L), (restored.InputRateHz, restored.OutputRateHz, restored.InputSamples));
        Assert.Equal(state.History.Select(BitConverter.SingleToInt32Bits), restored.History.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(44_100, 200)]
    [InlineData(48_000, 0)]
    [InlineData(96_000, 400)]
    [InlineData(16_000, 200)]
    public void SaveState_KeepsAFewHundredHistorySamples_ForCommonRates(int inputRateHz, int maxHistory)
    {
        Assert.InRange(new Resampler(inputRateHz).SaveState().History.Length, 0, maxHistory);
    }

    [Theory]
    [InlineData(44_100, 48_000, 0)]
    [InlineData(44_100, 48_000, 1)]
    [InlineData(44_100, 48_000, 2)]
    [InlineData(44_100, 48_000, 147)]
    [InlineData(44_100, 48_000, 44_117)]
    [InlineData(96_000, 48_000, 1)]
    [InlineData(96_000, 48_000, 3)]
    [InlineData(96_000, 48_000, 96_001)]
    [InlineData(44_101, 48_000, 12_345)]
    [InlineData(48_000, 44_100, 161)]
    [InlineData(48_000, 48_000, 99)]
    [InlineData(7, 48_000, 5)]
    [InlineData(384_000, 8_000, 1_000)]
    public void Flush_MakesWholeOutputCeilOfInputTimesRateRatio(int inputRateHz, int outputRateHz, int inputSamples)
    {
        var resampler = new Resampler(inputRateHz, outputRateHz);
        var output = new float[resampler.MaxOutputSamples(inputSamples)];
        var written = resampler.Process(new float[inputSamples], output);
        var due = resampler.FlushOutputSamples;

        var flushed = resampler.Flush(new float[due]);

        Assert.Equal(due, flushed);
        Assert.Equal(((long)inputSamples * outputRateHz + inputRateHz - 1) / inputRateHz, written + flushed);
        Assert.Equal(written + flushed, resampler.OutputSamples);
    }

    [Fact]
    public void Flush_EndsTheStream_SoProcessThrowsAndFlushWritesNothing()
    {
        var resampler = new Resampler(44_100);
        resampler.Process(new float[1_000], new float[2_000]);
        resampler.Flush(new float[resampler.FlushOutputSamples]);

        Assert.Equal(0, resampler.Flush(new float[10]));
        Assert.Throws<InvalidOperationException>(() => resampler.Process(new float[1], new float[10]));
        Assert.Throws<InvalidOperationException>(() => new Resampler(resampler.SaveState()).Process(new float[1], new float[10]));
    }

    [Fact]
    public void Process_Throws_WhenOutputIsTooSmall_AndConsumesNothing()
    {
        var resampler = new Resampler(44_100);

        Assert.Throws<ArgumentException>(() => resampler.Process(new float[1_000], new float[100]));
        Assert.Equal(0, resampler.InputSamples);
    }

    [Fact]
    public void Process_HoldsBackLessThan3Ms_From44100To48000()
    {
        // Only the filter's right half (88 input samples, 2 ms) waits for more input.
        var resampler = new Resampler(44_100);

        var written = resampler.Process(new float[44_100], new float[resampler.MaxOutputSamples(44_100)]);

        Assert.InRange(written, 48_000 - 48 * 3, 48_000);
    }

    [Fact]
    public void Constructor_Throws_ForStateOfAnotherDesignOrInconsistentCounts()
    {
        var state = new Resampler(44_100).SaveState();

        Assert.Throws<ArgumentException>(() => new Resampler(state with { History = new float[state.History.Length + 1] }));
        Assert.Throws<ArgumentException>(() => new Resampler(state with { InputSamples = 10_000 }));
        Assert.Throws<ArgumentException>(() => new Resampler(state with { InputSamples = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(state with { OutputRateHz = 0 }));
    }

    /// <summary>
    /// Streams <paramref name="input"/> in pieces of the sizes <paramref name="nextPiece"/> gives, into
    /// output buffers of exactly <see cref="Resampler.MaxOutputSamples"/>, letting
    /// <paramref name="saveAndRestore"/> swap the resampler between pieces; then flushes.
    /// </summary>
    private static float[] StreamInPieces(float[] input, int inputRateHz, int outputRateHz, Func<int> nextPiece, Func<Resampler, Resampler>? saveAndRestore)
    {
        var resampler = new Resampler(inputRateHz, outputRateHz);
        var output = new List<float>();
        for (var offset = 0; offset < input.Length;)
        {
            var piece = Math.Min(nextPiece(), input.Length - offset);
            var buffer = new float[resampler.MaxOutputSamples(piece)];
            var written = resampler.Process(input.AsSpan(offset, piece), buffer);
            output.AddRange(buffer.AsSpan(0, written));
            offset += piece;
            if (saveAndRestore is not null)
                resampler = saveAndRestore(resampler);
        }
        var tail = new float[resampler.FlushOutputSamples];
        output.AddRange(tail.AsSpan(0, resampler.Flush(tail)));
        return [.. output];
    }

    private static Resampler RoundTrip(Resampler resampler) =>
        new(JsonSerializer.Deserialize<ResamplerState>(JsonSerializer.Serialize(resampler.SaveState()))!);

    private static void AssertBitIdentical(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"sample {i} of {expected.Length}: {expected[i]:R} one-shot, {actual[i]:R} streamed");
    }
}
