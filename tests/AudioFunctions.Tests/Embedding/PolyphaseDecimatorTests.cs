using AudioFunctions.Embedding;

namespace AudioFunctions.Tests.Embedding;

public sealed class PolyphaseDecimatorTests
{
    private static readonly PolyphaseDecimator Decimator = new(
        DspLayout.DecimationFactor, DspLayout.DecimatorTapsPerPhase, DspLayout.DecimatorCutoffHz, 48_000, DspLayout.DecimatorKaiserBeta);

    [Theory]
    [InlineData(100, 1.0)]
    [InlineData(1_000, 1.0)]
    [InlineData(5_000, 1.0)]
    [InlineData(9_000, 0.001)]   // would alias to 7 kHz
    [InlineData(12_000, 0.001)]  // would alias to 4 kHz
    [InlineData(20_000, 0.001)]  // would alias to 4 kHz
    public void Decimate_KeepsThePassBandAndRejectsWhatWouldAlias(double frequencyHz, double expectedGain)
    {
        // An odd length, so the scalar tail after the vector blocks runs too.
        var input = new float[3 * 4_001];
        for (var n = 0; n < input.Length; n++)
            input[n] = (float)(0.5 * Math.Sin(2 * Math.PI * frequencyHz * n / 48_000));
        var output = new float[input.Length / 3];

        Decimator.Decimate(input, output);

        // RMS away from the zero-padded edges, against the input's 0.5/√2.
        var inner = output.AsSpan(100, output.Length - 200);
        var rms = Math.Sqrt(inner.ToArray().Average(v => (double)v * v));
        var gain = rms / (0.5 / Math.Sqrt(2));
        if (expectedGain >= 1)
            Assert.InRange(gain, 0.98, 1.02);
        else
            Assert.True(gain < expectedGain, $"{frequencyHz} Hz passed with gain {gain}");
    }

    [Fact]
    public void Decimate_KeepsDirectCurrentAtUnitGain()
    {
        var input = Enumerable.Repeat(0.25f, 3 * 1_000).ToArray();
        var output = new float[1_000];

        Decimator.Decimate(input, output);

        Assert.All(output.AsSpan(50, 900).ToArray(), v => Assert.Equal(0.25f, v, 1e-4f));
    }
}
