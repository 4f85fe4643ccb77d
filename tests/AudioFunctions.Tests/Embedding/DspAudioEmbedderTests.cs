using AudioFunctions.Tests.Infrastructure;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using AudioFunctions.Audio;
using AudioFunctions.Embedding;

namespace AudioFunctions.Tests.Embedding;

public sealed class DspAudioEmbedderTests
{
    private static readonly DspAudioEmbedder Embedder = new();

    [Fact]
    public void Space_IsDsp1With512Dimensions()
    {
        Assert.Equal(new EmbeddingSpace("dsp", "1", 512), Embedder.Space);
    }

    [Fact]
    public void Layout_GroupsFollowEachOtherFromZero_AndEndBeforeTheSilenceDimension()
    {
        var next = 0;
        foreach (var group in DspLayout.Groups)
        {
            Assert.Equal(next, group.Offset);
            next = group.End;
        }
        Assert.Equal(351, next); // as documented in DSP-EMBEDDER.md
        Assert.Equal(511, DspLayout.SilenceDimension);
        Assert.Equal(311, DspLayout.Frames);
    }

    [Theory]
    [InlineData(InstrumentFamily.BrightSaw)]
    [InlineData(InstrumentFamily.NoisePercussion)]
    [InlineData(InstrumentFamily.PluckedString)]
    public void Embed_WritesAFiniteUnitVector_WithReservedAndSilenceDimensionsZero(InstrumentFamily family)
    {
        var embedding = Embed(SyntheticInstruments.Window(family, variant: 1));

        Assert.All(embedding, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, TensorPrimitives.Norm(embedding), 1e-5f);
        Assert.All(embedding[DspLayout.Loudness.End..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embed_IsBitIdentical_AcrossCallsInstancesAndThreads()
    {
        var window = SyntheticInstruments.Window(InstrumentFamily.VibratoSquare, variant: 4);
        var first = Embed(window);
        var again = Embed(window);
        var otherInstance = new float[512];
        new DspAudioEmbedder().Embed(window, otherInstance);
        var parallel = new float[8][];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = Embed(window));

        Assert.Equal(Bits(first), Bits(again));
        Assert.Equal(Bits(first), Bits(otherInstance));
        Assert.All(parallel, p => Assert.Equal(Bits(first), Bits(p)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-6)] // −120 dBFS
    public void Embed_GivesTheSilenceVector_ForSilence(double amplitude)
    {
        var random = new Random(7);
        var window = new float[AudioWindow.Samples];
        for (var i = 0; i < window.Length; i++)
            window[i] = (float)(amplitude * (random.NextDouble() * 2 - 1));

        var embedding = Embed(window);

        var expected = new float[512];
        expected[DspLayout.SilenceDimension] = 1;
        Assert.Equal(expected, embedding);
    }

    public static TheoryData<string> ExtremeSignals => ["full-scale noise", "clipped sine", "full-scale square", "dc", "impulse", "nan and infinity", "beyond full scale"];

    [Theory]
    [MemberData(nameof(ExtremeSignals))]
    public void Embed_StaysAFiniteUnitVector_ForExtremeSignals(string signal)
    {
        var embedding = Embed(Extreme(signal));

        Assert.All(embedding, v => Assert.True(float.IsFinite(v), signal));
        Assert.Equal(1f, TensorPrimitives.Norm(embedding), 1e-5f);
    }

    [Fact]
    public void Embed_TreatsNonFiniteSamplesAsZero()
    {
        var window = SyntheticInstruments.Window(InstrumentFamily.Flute, variant: 2);
        var broken = (float[])window.Clone();
        var zeroed = (float[])window.Clone();
        for (var i = 1_000; i < broken.Length; i += 50_000)
        {
            broken[i] = i % 3 == 0 ? float.NaN : float.PositiveInfinity;
            zeroed[i] = 0;
        }

        Assert.Equal(Bits(Embed(zeroed)), Bits(Embed(broken)));
    }

    [Theory]
    [InlineData(0.1)]   // −20 dB
    [InlineData(3.0)]   // +9.5 dB, peaks beyond full scale
    public void Embed_MovesLittle_WhenOnlyTheGainChanges(double gain)
    {
        var window = SyntheticInstruments.Window(InstrumentFamily.PluckedString, variant: 3);
        var scaled = window.Select(v => (float)(v * gain)).ToArray();

        // Only the loudness group (weight 0.4 of about 2.6) depends on the level.
        Assert.True(TensorPrimitives.CosineSimilarity(Embed(window), Embed(scaled)) > 0.95f);
    }

    [Fact]
    public void Embed_RejectsAWindowOrDestinationOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => Embedder.Embed(new float[AudioWindow.Samples - 1], new float[512]));
        Assert.Throws<ArgumentException>(() => Embedder.Embed(new float[AudioWindow.Samples], new float[511]));
    }

    private static float[] Embed(float[] window)
    {
        var embedding = new float[512];
        Embedder.Embed(window, embedding);
        return embedding;
    }

    private static int[] Bits(float[] values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    private static float[] Extreme(string signal)
    {
        var window = new float[AudioWindow.Samples];
        var random = new Random(11);
        for (var i = 0; i < window.Length; i++)
        {
            var sine = Math.Sin(2 * Math.PI * 440 * i / AudioWindow.SampleRateHz);
            window[i] = signal switch
            {
                "full-scale noise" => random.Next(2) == 0 ? -1f : (float)(random.NextDouble() * 2 - 1),
                "clipped sine" => (float)Math.Clamp(20 * sine, -1, 1),
                "full-scale square" => i / 100 % 2 == 0 ? 1f : -1f,
                "dc" => 1f,
                "impulse" => i == 240_000 ? 1f : 0f,
                "nan and infinity" => i % 3 == 0 ? float.NaN : i % 3 == 1 ? float.NegativeInfinity : (float)sine,
                "beyond full scale" => (float)(1e30 * sine),
                _ => throw new ArgumentOutOfRangeException(nameof(signal)),
            };
        }
        return window;
    }
}
