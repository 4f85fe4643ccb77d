using AudioFunctions.Embedding;

namespace AudioFunctions.Tests.Embedding;

public sealed class RealFftTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(512)]
    [InlineData(1024)]
    public void PowerSpectrum_MatchesADirectDft(int size)
    {
        var random = new Random(size);
        var frame = new float[size];
        var window = new float[size];
        for (var n = 0; n < size; n++)
        {
            frame[n] = (float)(random.NextDouble() * 2 - 1);
            window[n] = (float)random.NextDouble();
        }
        var fft = new RealFft<float>(size);
        var power = new float[fft.Bins];

        fft.PowerSpectrum(frame, window, power, new float[size]);

        var expected = new double[fft.Bins];
        for (var k = 0; k < expected.Length; k++)
        {
            double re = 0, im = 0;
            for (var n = 0; n < size; n++)
            {
                var x = (double)frame[n] * window[n];
                re += x * Math.Cos(2 * Math.PI * k * n / size);
                im -= x * Math.Sin(2 * Math.PI * k * n / size);
            }
            expected[k] = re * re + im * im;
        }
        var scale = expected.Max();
        for (var k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(power[k] - expected[k]) <= 1e-5 * scale, $"bin {k}: {power[k]} vs {expected[k]}");
    }

    [Fact]
    public void PowerSpectrum_PutsASineInItsBin()
    {
        const int size = 1024, bin = 37;
        var frame = new float[size];
        var window = new float[size];
        for (var n = 0; n < size; n++)
        {
            frame[n] = (float)Math.Cos(2 * Math.PI * bin * n / size);
            window[n] = 1;
        }
        var fft = new RealFft<float>(size);
        var power = new float[fft.Bins];

        fft.PowerSpectrum(frame, window, power, new float[size]);

        // A unit cosine over N samples has |X[bin]| = N/2 and nothing elsewhere.
        Assert.Equal(size * size / 4.0, power[bin], size * size / 4.0 * 1e-5);
        Assert.True(power.Where((_, k) => k != bin).Max() < 1e-3);
    }

    [Fact]
    public void Constructor_RejectsSizesThatAreNotPowersOfTwo()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft<float>(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft<float>(4));
    }
}
