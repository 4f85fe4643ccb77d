using System.Diagnostics;
using AudioFunctions.Audio;
using AudioFunctions.Embedding;
using AudioFunctions.Embedding.Clap;
using AudioFunctions.Tracks;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// Embedding cost on ONE thread: the DSP audio embedder and the CLAP feature extractor over synthetic 10 s windows
/// (a melody plus percussion), and the lexical text embedder over rendered track metadata. Warm-up first, then several runs; the median run counts.
/// Wall-clock rates suffer when other processes share the cores, so process CPU time per item is printed beside them.
/// </summary>
public static class EmbedBenchmark
{
    private const int DistinctWindows = 8;

    public static Task<int> RunAsync(BenchmarkArguments args)
    {
        var windows = args.Int("windows", 200);
        var runs = args.Int("runs", 5);
        var texts = args.Int("texts", 20_000);
        Console.WriteLine($"embed: {windows} windows (10 s, 48 kHz mono) and {texts} texts per run, {runs} runs, one thread, {Environment.ProcessorCount} cores");

        var audio = new DspAudioEmbedder();
        var samples = new float[DistinctWindows][];
        for (var i = 0; i < samples.Length; i++)
            samples[i] = MusicWindow(seed: i);
        var vector = new float[audio.Space.Dimensions];
        var dsp = Measure(runs, windows, i => audio.Embed(samples[i % samples.Length], vector));
        Console.WriteLine(dsp.Line($"dsp ({audio.Space.Id})", "windows"));
        Console.WriteLine($"{"dsp real-time factor",-26} {dsp.ItemsPerSecond * AudioWindow.Seconds,12:F0}x on one core");

        // The CLAP model's input: 1001 frames of 64 log-mel bands per 10 s window, before any inference.
        var clap = new ClapFeatureExtractor(new ClapFeatureSettings());
        var features = new float[clap.FeaturesPerWindow];
        var clapFeatures = Measure(runs, Math.Max(1, windows / 4), i => clap.Extract(samples[i % samples.Length], features));
        Console.WriteLine(clapFeatures.Line("clap log-mel features", "windows"));

        var lexical = new LexicalTextEmbedder();
        var rendered = Enumerable.Range(0, 1_000).Select(i => TrackText.Render(Metadata(i))).ToArray();
        var textVector = new float[lexical.Space.Dimensions];
        var lex = Measure(runs, texts, i => lexical.Embed(rendered[i % rendered.Length], textVector));
        Console.WriteLine(lex.Line($"lexical ({lexical.Space.Id})", "texts"));
        Console.WriteLine($"{"lexical text length",-26} {rendered.Average(t => t.Length),12:F0} chars on average, e.g. \"{rendered[0]}\"");
        return Task.FromResult(0);
    }

    private sealed record Result(double ItemsPerSecond, double WallMilliseconds, double CpuMilliseconds, double[] RunRates)
    {
        public string Line(string label, string unit) =>
            $"{label,-26} {ItemsPerSecond,12:F0} {unit}/s {Duration(WallMilliseconds),11} per {unit[..^1]}   cpu {Duration(CpuMilliseconds),11}" +
            $"   (runs: {string.Join(", ", RunRates.Select(r => r.ToString("F0")))} {unit}/s)";

        private static string Duration(double milliseconds) =>
            milliseconds >= 0.1 ? $"{milliseconds:F2} ms" : $"{milliseconds * 1_000:F2} µs";
    }

    /// <summary>Runs <paramref name="work"/> once per item: an untimed warm-up run (JIT tiering, pools), then timed runs.</summary>
    private static Result Measure(int runs, int items, Action<int> work)
    {
        for (var i = 0; i < items; i++)
            work(i);
        var rates = new double[runs];
        var cpuPerItem = new double[runs];
        using var process = Process.GetCurrentProcess();
        for (var r = 0; r < runs; r++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < items; i++)
                work(i);
            var elapsed = Stopwatch.GetElapsedTime(start);
            process.Refresh();
            rates[r] = items / elapsed.TotalSeconds;
            cpuPerItem[r] = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / items;
        }
        var sortedRates = rates.Order().ToArray();
        var median = sortedRates[runs / 2];
        return new Result(median, 1_000 / median, cpuPerItem.Order().ElementAt(runs / 2), rates);
    }

    /// <summary>A bright melody (sawtooth, one note per beat) over band-passed noise hits at a seed-chosen tempo.</summary>
    private static float[] MusicWindow(int seed)
    {
        var random = new Random(seed);
        var window = new float[AudioWindow.Samples];
        var beatSamples = (int)(AudioWindow.SampleRateHz * 60.0 / random.Next(80, 160));
        var phase = 0.0;
        var step = 0.0;
        double low = 0, band = 0;
        for (var i = 0; i < window.Length; i++)
        {
            var sinceBeat = i % beatSamples;
            if (sinceBeat == 0)
                step = 110 * Math.Pow(2, random.Next(24) / 12.0) / AudioWindow.SampleRateHz;
            phase = (phase + step) % 1;
            // State-variable filter around 2 kHz shapes the noise of each hit.
            var noise = random.NextDouble() * 2 - 1;
            low += 0.25 * band;
            band += 0.25 * (noise - low - band);
            window[i] = (float)(0.2 * (2 * phase - 1) * Math.Exp(-sinceBeat / 20_000.0) + 0.5 * band * Math.Exp(-sinceBeat / 2_000.0));
        }
        return window;
    }

    private static TrackMetadata Metadata(int i)
    {
        string[] words = ["night", "opera", "queen", "black", "river", "dance", "electric", "love", "blue", "summer", "fire", "dream", "Beyoncé", "Motörhead"];
        string[] genres = ["Rock", "Progressive Rock", "Jazz", "Hip-Hop", "Country", "Classical", "Pop", "R&B", "Metal"];
        var random = new Random(i);
        string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => words[random.Next(words.Length)]));
        return new TrackMetadata
        {
            Name = Words(random.Next(1, 5)),
            Artists = [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => Words(2))],
            Album = Words(random.Next(1, 4)),
            Genres = [genres[random.Next(genres.Length)], genres[random.Next(genres.Length)]],
        };
    }
}
