using AudioFunctions.Audio;
using static AudioFunctions.Tests.Audio.SignalAnalysis;

namespace AudioFunctions.Tests.Audio;

/// <summary>Every supported kind of ratio: integer, rational with few or many phases, and awkward.</summary>
public sealed class ResamplerRateGridTests
{
    [Theory]
    [InlineData(8_000, 48_000)]
    [InlineData(11_025, 48_000)]
    [InlineData(16_000, 48_000)]
    [InlineData(22_050, 48_000)]
    [InlineData(32_000, 48_000)]
    [InlineData(44_100, 48_000)]
    [InlineData(44_101, 48_000)]
    [InlineData(47_999, 48_000)]
    [InlineData(48_000, 48_000)]
    [InlineData(88_200, 48_000)]
    [InlineData(96_000, 48_000)]
    [InlineData(192_000, 48_000)]
    [InlineData(384_000, 48_000)]
    [InlineData(48_000, 44_100)]
    [InlineData(48_000, 16_000)]
    [InlineData(48_000, 8_000)]
    [InlineData(44_100, 22_050)]
    [InlineData(44_100, 96_000)]
    [InlineData(8_000, 384_000)]
    [InlineData(384_000, 44_101)]
    public void Resample_KeepsSineFrequencyAndLength_OverRateGrid(int inputRateHz, int outputRateHz)
    {
        const int seconds = 1;
        var input = Sine(1000, inputRateHz, inputRateHz * seconds);

        var output = ResampleAll(input, inputRateHz, outputRateHz);

        Assert.Equal(ExpectedLength(input.Length, inputRateHz, outputRateHz), output.Length);
        Assert.All(output, sample => Assert.True(float.IsFinite(sample)));
        int start = outputRateHz / 8, count = outputRateHz * seconds - outputRateHz / 4;
        Assert.Equal(1000, MeasureFrequency(output, 1000, outputRateHz, start, count), 0.01);
        var fit = FitSine(output, 1000, outputRateHz, start, count);
        Assert.True(fit.SnrDb >= 60, $"SNR {fit.SnrDb:F1} dB");
        Assert.InRange(Db(fit.Amplitude / 0.5), -0.1, 0.1);
    }

    [Theory]
    [InlineData(7, 48_000, 20)]
    [InlineData(1, 48_000, 3)]
    [InlineData(1, 384_000, 2)]
    [InlineData(7, 44_100, 1)]
    [InlineData(384_000, 7, 100_000)]
    [InlineData(384_000, 1, 384_001)]
    [InlineData(48_000, 1, 47_999)]
    public void Resample_GivesFiniteOutputOfRuleLength_AtExtremeRates(int inputRateHz, int outputRateHz, int inputSamples)
    {
        var input = SineWithNoise(inputRateHz, inputSamples, seed: inputSamples);

        var output = ResampleAll(input, inputRateHz, outputRateHz);

        Assert.Equal(ExpectedLength(inputSamples, inputRateHz, outputRateHz), output.Length);
        Assert.All(output, sample => Assert.True(float.IsFinite(sample) && Math.Abs(sample) < 2));
    }

    [Fact]
    public void Resample_FollowsSlowSine_At7HzInput()
    {
        // A 0.5 Hz sine sampled at 7 Hz is still a sine at 48 kHz. The filter spans 176 input samples,
        // ±12.6 s here, so the steady state is 13 s in from either end of the minute.
        var output = ResampleAll(Sine(0.5, 7, 7 * 60), 7);

        int start = 48_000 * 13, count = 48_000 * 34;
        Assert.Equal(0.5, MeasureFrequency(output, 0.5, 48_000, start, count), 1e-4);
        Assert.True(FitSine(output, 0.5, 48_000, start, count).SnrDb >= 60);
    }

    /// <summary>ceil(N · out / in), the length of a flushed stream.</summary>
    private static long ExpectedLength(long inputSamples, int inputRateHz, int outputRateHz) =>
        (inputSamples * outputRateHz + inputRateHz - 1) / inputRateHz;
}
