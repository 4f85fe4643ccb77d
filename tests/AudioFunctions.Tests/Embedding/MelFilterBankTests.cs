using AudioFunctions.Embedding;

namespace AudioFunctions.Tests.Embedding;

public sealed class MelFilterBankTests
{
    private static readonly MelFilterBank Bank = new(DspLayout.MelBands, DspLayout.FrameLength, DspLayout.AnalysisRateHz, DspLayout.MelMinHz, DspLayout.MelMaxHz);

    [Fact]
    public void Apply_GivesEveryBandTheSameValue_ForAFlatSpectrum()
    {
        var power = Enumerable.Repeat(2f, DspLayout.Bins).ToArray();
        var bands = new float[DspLayout.MelBands];

        Bank.Apply(power, bands);

        Assert.All(bands, b => Assert.Equal(2f, b, 1e-5f));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(6_000)]
    public void Apply_PeaksInTheBandCentredNearest_ForOneBin(double frequencyHz)
    {
        var power = new float[DspLayout.Bins];
        power[(int)Math.Round(frequencyHz / DspLayout.BinHz)] = 1;
        var bands = new float[DspLayout.MelBands];

        Bank.Apply(power, bands);

        var peak = Array.IndexOf(bands, bands.Max());
        var melStep = (MelFilterBank.Mel(DspLayout.MelMaxHz) - MelFilterBank.Mel(DspLayout.MelMinHz)) / (DspLayout.MelBands + 1);
        var centreHz = MelFilterBank.Hz(MelFilterBank.Mel(DspLayout.MelMinHz) + melStep * (peak + 1));
        Assert.InRange(MelFilterBank.Mel(centreHz) - MelFilterBank.Mel(frequencyHz), -melStep, melStep);
    }
}
