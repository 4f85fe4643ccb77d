using AudioFunctions.Embedding.Clap;

namespace AudioFunctions.Tests.Embedding.Clap;

public sealed class SlaneyMelFilterBankTests
{
    private const int Rate = 48_000;
    private const int Bins = 513;
    private static readonly SlaneyMelFilterBank Bank = new(64, Bins, Rate, 50, 14_000);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(200, 3)]
    [InlineData(500, 7.5)]
    [InlineData(1_000, 15)]
    [InlineData(6_400, 42)]          // 15 + ln(6.4)·27/ln(6.4)
    [InlineData(40_960, 69)]         // two steps of 6.4×
    public void Mel_FollowsSlaneysLinearThenLogScale(double hz, double mel)
    {
        Assert.Equal(mel, SlaneyMelFilterBank.Mel(hz), 1e-9);
        Assert.Equal(hz, SlaneyMelFilterBank.Hz(mel), 1e-6);
    }

    [Fact]
    public void Edges_AreEvenlySpacedInSlaneyMel_From50HzTo14kHz()
    {
        Assert.Equal(66, Bank.Edges.Length);
        Assert.Equal(50, Bank.Edges[0], 1e-9);
        Assert.Equal(14_000, Bank.Edges[^1], 1e-6);
        var step = (SlaneyMelFilterBank.Mel(14_000) - SlaneyMelFilterBank.Mel(50)) / 65;
        for (var i = 1; i < Bank.Edges.Length; i++)
            Assert.Equal(step, SlaneyMelFilterBank.Mel(Bank.Edges[i]) - SlaneyMelFilterBank.Mel(Bank.Edges[i - 1]), 1e-9);
    }

    [Fact]
    public void Weight_IsTheTriangleScaledByTwoOverItsWidth_AtEveryBin()
    {
        var binHz = 24_000.0 / (Bins - 1);
        for (var m = 0; m < Bank.Bands; m++)
        {
            double low = Bank.Edges[m], centre = Bank.Edges[m + 1], high = Bank.Edges[m + 2];
            for (var k = 0; k < Bins; k++)
            {
                var f = k * binHz;
                var triangle = f <= low || f >= high ? 0 : f <= centre ? (f - low) / (centre - low) : (high - f) / (high - centre);
                Assert.Equal(triangle * 2 / (high - low), Bank.Weight(m, k), 1e-12);
            }
        }
    }

    [Fact]
    public void Filters_HaveUnitArea_WhereTheyAreWideAgainstABin()
    {
        var binHz = 24_000.0 / (Bins - 1);
        for (var m = 40; m < Bank.Bands; m++) // ≥ 8 bins wide from here up
        {
            double area = 0;
            for (var k = 0; k < Bins; k++)
                area += Bank.Weight(m, k) * binHz;
            Assert.Equal(1, area, 0.02);
        }
    }

    [Fact]
    public void Apply_SumsWeightedPower_WithoutNormalisingTheWeights()
    {
        var power = new double[Bins];
        for (var k = 0; k < Bins; k++)
            power[k] = 1 + k % 7;
        var bands = new double[Bank.Bands];

        Bank.Apply(power, bands);

        for (var m = 0; m < Bank.Bands; m++)
        {
            double expected = 0;
            for (var k = 0; k < Bins; k++)
                expected += power[k] * Bank.Weight(m, k);
            Assert.Equal(expected, bands[m], 1e-12);
        }
    }
}
