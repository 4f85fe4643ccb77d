using AudioFunctions.Audio;
using static AudioFunctions.Tests.Audio.SignalAnalysis;

namespace AudioFunctions.Tests.Audio;

/// <summary>What the resampler does to signals: frequency, level, phase, rejection, DC and silence.</summary>
public sealed class ResamplerTests
{
    private const int OutputRateHz = 48_000;
    private const int Seconds = 2;

    // Steady state: a quarter second in from either end, far beyond the filter's few milliseconds.
    private const int SteadyStart = OutputRateHz / 4;
    private const int SteadyCount = OutputRateHz * Seconds - OutputRateHz / 2;

    [Fact]
    public void Resample_KeepsSineFrequency_From44100To48000()
    {
        var output = ResampleAll(Sine(1000, 44_100, 44_100 * Seconds), 44_100);

        Assert.Equal(1000, MeasureFrequency(output, 1000, OutputRateHz, SteadyStart, SteadyCount), 0.001);
    }

    [Fact]
    public void Resample_KeepsSineAmplitudeWithin001Db_From44100To48000()
    {
        var output = ResampleAll(Sine(1000, 44_100, 44_100 * Seconds, amplitude: 0.5), 44_100);

        var fit = FitSine(output, 1000, OutputRateHz, SteadyStart, SteadyCount);
        Assert.InRange(Db(fit.Amplitude / 0.5), -0.01, 0.01);
    }

    [Theory]
    [InlineData(44_100, 1_000, 90)]
    [InlineData(44_100, 18_000, 80)]
    [InlineData(96_000, 1_000, 90)]
    [InlineData(96_000, 20_000, 90)]
    public void Resample_KeepsSineClean_AboveSnrFloor(int inputRateHz, double frequencyHz, double minimumSnrDb)
    {
        // 18 kHz at 44.1 kHz has images at 26.1 kHz and above that a weak filter would fold back below 24 kHz.
        var output = ResampleAll(Sine(frequencyHz, inputRateHz, inputRateHz * Seconds), inputRateHz);

        Assert.True(FitSine(output, frequencyHz, OutputRateHz, SteadyStart, SteadyCount).SnrDb >= minimumSnrDb);
    }

    [Theory]
    [InlineData(44_100)]
    [InlineData(96_000)]
    [InlineData(44_101)]
    public void Resample_KeepsTimeAlignment_OfOneShotConversion(int inputRateHz)
    {
        // Output n is the input at time n / 48 kHz: a sine of phase φ at input sample 0 keeps φ at output sample 0.
        var output = ResampleAll(Sine(1000, inputRateHz, inputRateHz * Seconds, phaseRadians: 0.3), inputRateHz);

        Assert.Equal(0.3, FitSine(output, 1000, OutputRateHz, SteadyStart, SteadyCount).PhaseRadians, 1e-4);
    }

    [Theory]
    [InlineData(96_000, 30_000)]
    [InlineData(96_000, 25_000)]
    [InlineData(192_000, 40_000)]
    [InlineData(88_200, 44_000)]
    public void Resample_AttenuatesContentAboveNewNyquistBy80Db_WhenDownsampling(int inputRateHz, double frequencyHz)
    {
        var input = Sine(frequencyHz, inputRateHz, inputRateHz * Seconds);
        var output = ResampleAll(input, inputRateHz);

        Assert.True(Db(Rms(output.AsSpan(SteadyStart, SteadyCount)) / Rms(input)) <= -80);
    }

    [Theory]
    [InlineData(44_100)]
    [InlineData(96_000)]
    [InlineData(8_000)]
    [InlineData(44_101)]
    [InlineData(384_000)]
    public void Resample_KeepsDcWithin1e5_InSteadyState(int inputRateHz)
    {
        var input = new float[inputRateHz / 2];
        Array.Fill(input, 0.5f);

        var output = ResampleAll(input, inputRateHz);

        // Past the first filter length and before the last (the edges see the silence around the stream).
        foreach (var sample in output.AsSpan(OutputRateHz / 20, OutputRateHz / 2 - OutputRateHz / 10))
            Assert.Equal(0.5, sample, 1e-5);
    }

    [Theory]
    [InlineData(44_100)]
    [InlineData(44_101)]
    [InlineData(96_000)]
    [InlineData(7)]
    public void Resample_GivesExactZero_ForSilence(int inputRateHz)
    {
        var output = ResampleAll(new float[inputRateHz + 13], inputRateHz);

        Assert.All(output, sample => Assert.Equal(0f, sample));
    }

    [Fact]
    public void Resample_CopiesExactly_AtSameRate()
    {
        var input = SineWithNoise(48_000, 10_007, seed: 3);
        var resampler = new Resampler(48_000, 48_000);
        var output = new float[resampler.MaxOutputSamples(input.Length)];

        var written = resampler.Process(input, output);

        Assert.Equal(input, output.AsSpan(0, written).ToArray());
        Assert.Equal(0, resampler.Flush([]));
    }

    [Theory]
    [InlineData(0, 48_000)]
    [InlineData(-1, 48_000)]
    [InlineData(384_001, 48_000)]
    [InlineData(44_100, 0)]
    [InlineData(44_100, 384_001)]
    public void Constructor_Throws_ForRatesOutsideOneHzTo384kHz(int inputRateHz, int outputRateHz)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(inputRateHz, outputRateHz));
    }

    [Fact]
    public void Constructor_DefaultsTo48kHzOutput()
    {
        Assert.Equal(48_000, new Resampler(44_100).OutputRateHz);
    }
}
