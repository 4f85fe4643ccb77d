using System.Diagnostics;
using System.Runtime.InteropServices;
using AudioFunctions.Embedding.Clap;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Embedding.Clap;

public sealed class ClapFeatureExtractorTests
{
    /// <summary>Debian's interpreter: the one its python3-numpy package installs into.</summary>
    private const string Python = "/usr/bin/python3";

    /// <summary>
    /// Largest difference allowed from the numpy reference, in dB. Both sides compute in float64 and round only the
    /// output to float32 (an ulp is 7.6e-6 dB at ±100 dB), so agreement is far tighter than this; 1e-4 dB is a power
    /// ratio of 2.3e-5, still hundreds of times smaller than any slip in a step (a symmetric instead of a periodic
    /// window, HTK instead of Slaney edges, zero instead of reflect padding each move some band by more than 0.01 dB).
    /// </summary>
    private const float ToleranceDb = 1e-4f;

    private const int Rate = 48_000;

    private static readonly ClapFeatureExtractor Extractor = new(new ClapFeatureSettings());

    [Theory]
    [InlineData("chirp")]
    [InlineData("sine")]
    [InlineData("silence")]
    [InlineData("short-clip")]
    [InlineData("long-clip")]
    public async Task Extract_MatchesTheNumpyReference(string signal)
    {
        var samples = Signal(signal);
        var features = new float[Extractor.FeaturesPerWindow];
        Extractor.Extract(samples, features);

        var expected = await ReferenceAsync(samples);

        Assert.Equal(features.Length, expected.Length);
        var worst = 0f;
        var worstAt = 0;
        for (var i = 0; i < features.Length; i++)
        {
            var difference = Math.Abs(features[i] - expected[i]);
            if (difference > worst)
                (worst, worstAt) = (difference, i);
        }
        Assert.True(worst <= ToleranceDb,
            $"frame {worstAt / Extractor.MelBands}, band {worstAt % Extractor.MelBands}: {features[worstAt]} dB here, {expected[worstAt]} dB in the reference");
    }

    [Fact]
    public void Extract_Writes1001FramesOf64Bands_ForTenSeconds()
    {
        Assert.Equal(480_000, Extractor.WindowSamples);
        Assert.Equal(1001, Extractor.FrameCount);
        Assert.Equal(64, Extractor.MelBands);
        Assert.Equal(1001 * 64, Extractor.FeaturesPerWindow);
        var features = new float[Extractor.FeaturesPerWindow + 1];
        features[^1] = 12345f;

        Extractor.Extract(Signal("sine"), features);

        Assert.Equal(12345f, features[^1]);
        Assert.All(features[..^1], f => Assert.True(float.IsFinite(f) && f >= -100f));
    }

    [Fact]
    public void Extract_Throws_WhenTheBufferIsShort()
    {
        var features = new float[Extractor.FeaturesPerWindow - 1];

        Assert.Throws<ArgumentException>(() => Extractor.Extract(new float[Rate], features));
    }

    [Fact]
    public void Extract_GivesTheMinus100DbFloor_ForSilenceAndForNothing()
    {
        var features = new float[Extractor.FeaturesPerWindow];

        Extractor.Extract(new float[Extractor.WindowSamples], features);
        Assert.All(features, f => Assert.Equal(-100f, f));

        Extractor.Extract([], features);
        Assert.All(features, f => Assert.Equal(-100f, f));
    }

    [Fact]
    public void Extract_PutsASinesEnergyInTheBandAroundItsFrequency()
    {
        var features = new float[Extractor.FeaturesPerWindow];

        Extractor.Extract(Signal("sine"), features);

        var frame = features.AsSpan(500 * Extractor.MelBands, Extractor.MelBands);
        var loudest = frame.IndexOf(Max(frame));
        var bank = new SlaneyMelFilterBank(64, 513, Rate, 50, 14_000);
        Assert.InRange(1_000.0, bank.Edges[loudest], bank.Edges[loudest + 2]);
    }

    [Fact]
    public void Extract_OfAShortClip_EqualsTheFeaturesOfItsRepeatPaddedWindow()
    {
        var clip = Signal("short-clip");
        var window = new float[Extractor.WindowSamples];
        ClapFeatureExtractor.FillWindow(clip, ClapPadding.RepeatPad, window);
        var fromClip = new float[Extractor.FeaturesPerWindow];
        var fromWindow = new float[Extractor.FeaturesPerWindow];

        Extractor.Extract(clip, fromClip);
        Extractor.Extract(window, fromWindow);

        Assert.Equal(fromWindow, fromClip);
    }

    [Fact]
    public void FillWindow_TilesWholeCopiesThenZeros_ForRepeatPad()
    {
        float[] clip = [1, 2, 3];
        var window = new float[11];
        window.AsSpan().Fill(9);

        ClapFeatureExtractor.FillWindow(clip, ClapPadding.RepeatPad, window);

        Assert.Equal([1, 2, 3, 1, 2, 3, 1, 2, 3, 0, 0], window);
    }

    [Fact]
    public void FillWindow_TilesPastTheEndAndCuts_ForRepeat()
    {
        var window = new float[11];

        ClapFeatureExtractor.FillWindow([1, 2, 3], ClapPadding.Repeat, window);

        Assert.Equal([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2], window);
    }

    [Fact]
    public void FillWindow_ZeroFillsAfterOneCopy_ForPad()
    {
        var window = new float[6];

        ClapFeatureExtractor.FillWindow([1, 2, 3], ClapPadding.Pad, window);

        Assert.Equal([1, 2, 3, 0, 0, 0], window);
    }

    [Fact]
    public void FillWindow_KeepsTheStart_ForALongerClip()
    {
        var window = new float[4];

        ClapFeatureExtractor.FillWindow([1, 2, 3, 4, 5, 6], ClapPadding.RepeatPad, window);

        Assert.Equal([1, 2, 3, 4], window);
    }

    /// <summary>
    /// chirp: 10 s sweeping 20 Hz → 20 kHz exponentially; sine: 10 s of 1 kHz; silence: 10 s of zeros;
    /// short-clip: 3.3 s of a 440 Hz tone with a 5 Hz tremolo (repeatpad: three copies, then 0.1 s of zeros);
    /// long-clip: 12 s of a 330 Hz tone fading in (cut to its first 10 s). All at amplitude 0.5.
    /// </summary>
    private static float[] Signal(string name)
    {
        float[] samples;
        switch (name)
        {
            case "chirp":
                samples = new float[10 * Rate];
                double f0 = 20, f1 = 20_000, seconds = 10, k = Math.Log(f1 / f0);
                for (var i = 0; i < samples.Length; i++)
                {
                    var t = (double)i / Rate;
                    samples[i] = (float)(0.5 * Math.Sin(2 * Math.PI * f0 * seconds / k * (Math.Exp(k * t / seconds) - 1)));
                }
                return samples;
            case "sine":
                samples = new float[10 * Rate];
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 1_000 * i / Rate));
                return samples;
            case "silence":
                return new float[10 * Rate];
            case "short-clip":
                samples = new float[33 * Rate / 10];
                for (var i = 0; i < samples.Length; i++)
                {
                    var t = (double)i / Rate;
                    samples[i] = (float)(0.5 * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 5 * t)) * Math.Sin(2 * Math.PI * 440 * t));
                }
                return samples;
            case "long-clip":
                samples = new float[12 * Rate];
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = (float)(0.5 * i / samples.Length * Math.Sin(2 * Math.PI * 330 * i / Rate));
                return samples;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown test signal.");
        }
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        var max = float.NegativeInfinity;
        foreach (var v in values)
            max = Math.Max(max, v);
        return max;
    }

    private static async Task<float[]> ReferenceAsync(float[] samples)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: run ./test.sh, which installs Debian's python3-numpy.");
        var script = Path.Combine(RepositoryPaths.Root, "tests", "AudioFunctions.Tests", "Embedding", "Clap", "clap_features_reference.py");
        var input = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(input, MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());
            var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(input);
            start.ArgumentList.Add(output);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            await stdout;
            Assert.True(process.ExitCode == 0, $"the reference script failed:\n{await stderr}");
            var bytes = await File.ReadAllBytesAsync(output);
            return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }
}
