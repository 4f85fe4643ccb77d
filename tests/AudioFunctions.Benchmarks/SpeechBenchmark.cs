using System.Diagnostics;
using AudioFunctions.Audio;
using AudioFunctions.Embedding.Speech;
using AudioFunctions.Inference;
using AudioFunctions.Tests.Inference;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// The speech embedder on ONE thread (ONNX Runtime at 1 intra-op thread, one session per model): latency per call and
/// windows/s for batches of 1 and 8, where the time goes, and what the binding costs around a model run.
/// </summary>
/// <remarks>
/// <para>Where the time goes: after each embedder call, each model is also run alone through
/// <see cref="OnnxSession.Run(IReadOnlyList{OnnxTensor}, string, Span{float})"/> on inputs of the embedder's sizes (one
/// window's 160,000 samples per window for the mel model; 116 or 928 inputs of 76 × 32 frames for the embedding model);
/// what is left of the call's time is our own code (decimation, scaling, cutting inputs, pooling, normalising).</para>
/// <para>The binding's cost: an Identity model (input copied to output by ONNX Runtime) of the same input size is run
/// the same way, which costs what the binding does around any run (names, pinning, OrtValues, copying the output out)
/// plus one copy of the input inside ONNX Runtime and a copy out of the whole input size, so it is an upper bound; a
/// one-float Identity run gives the fixed cost per call.</para>
/// </remarks>
public static class SpeechBenchmark
{
    private const int DistinctWindows = 8;
    private const int BatchSize = 8;

    public static Task<int> RunAsync(BenchmarkArguments args)
    {
        var windows = args.Int("windows", 64);
        var runs = args.Int("runs", 5);
        var folder = Path.Combine(RepositoryPaths.Root, ".tools", "openwakeword", "0.1.1");
        using var runtime = OnnxRuntime.Load(new OnnxRuntimeOptions { IntraOpThreads = 1 }, RepositoryPaths.Root);
        using var embedder = new SpeechAudioEmbedder(runtime, folder, sessionsPerModel: 1);
        Console.WriteLine($"speech: {windows} windows (10 s, 48 kHz mono) per run, {runs} runs, one thread, ONNX Runtime {runtime.Version} " +
                          $"at 1 intra-op thread, {Environment.ProcessorCount} cores; space {embedder.Space.Id}");

        var samples = new float[DistinctWindows][];
        for (var i = 0; i < samples.Length; i++)
            samples[i] = VoiceLikeWindow(seed: i);
        var batch = new float[BatchSize * AudioWindow.Samples];
        for (var i = 0; i < BatchSize; i++)
            samples[i % samples.Length].CopyTo(batch, i * AudioWindow.Samples);
        var vector = new float[embedder.Space.Dimensions];
        var vectors = new float[BatchSize * embedder.Space.Dimensions];

        var single = Measure(runs, windows, 1, i => embedder.Embed(samples[i % samples.Length], vector));
        Console.WriteLine(single.Line("Embed (batch 1)"));
        var batched = Measure(runs, Math.Max(1, windows / BatchSize), BatchSize, _ => embedder.EmbedBatch(batch, vectors));
        Console.WriteLine(batched.Line($"EmbedBatch (batch {BatchSize})"));

        Console.WriteLine();
        Console.WriteLine("where a call's time goes (each model run alone on the embedder's input sizes; the rest is our code):");
        using var mel = runtime.OpenSession(Path.Combine(folder, SpeechAudioEmbedder.MelModelFile));
        using var embedding = runtime.OpenSession(Path.Combine(folder, SpeechAudioEmbedder.EmbeddingModelFile));
        var embeddingOutput = embedding.Outputs[0].Name;
        const int inputsPerWindow = 116, inputFloats = 76 * 32;
        // Every third sample on the int16 scale: the mel model's input size and level (its run time does not depend
        // on the filtering the embedder does first).
        var signal = new float[AudioWindow.Samples / 3];
        var random = new Random(1);
        for (var i = 0; i < signal.Length; i++)
            signal[i] = (float)(samples[0][3 * i] * 32768.0);
        var melOutput = new float[997 * 32];
        var frames = new float[BatchSize * inputsPerWindow * inputFloats];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = (float)(random.NextDouble() * 4 - 2);
        var embeddingOutputs = new float[BatchSize * inputsPerWindow * 96];
        void RunMel() => mel.Run([OnnxTensor.Float("input", signal, 1, signal.Length)], "output", melOutput);
        void RunEmbedding(int windowCount) => embedding.Run(
            [OnnxTensor.Float("input_1", frames.AsMemory(0, windowCount * inputsPerWindow * inputFloats), windowCount * inputsPerWindow, 76, 32, 1)],
            embeddingOutput, embeddingOutputs);
        var split1 = Split(runs, windows, 1, i => embedder.Embed(samples[i % samples.Length], vector), RunMel, () => RunEmbedding(1));
        var split8 = Split(runs, Math.Max(1, windows / BatchSize), BatchSize, _ => embedder.EmbedBatch(batch, vectors), RunMel, () => RunEmbedding(BatchSize));
        Console.WriteLine(split1.Line("batch 1"));
        Console.WriteLine(split8.Line($"batch {BatchSize}"));

        Console.WriteLine();
        Console.WriteLine("binding cost: an Identity model of the same input size, run the same way (upper bound), and of one float (fixed cost):");
        Overhead(runtime, runs, windows, "mel model", signal.Length, 1, split1.Mel);
        Overhead(runtime, runs, Math.Max(1, windows / BatchSize), $"embedding model, batch {BatchSize}", inputFloats, BatchSize * inputsPerWindow, split8.Embedding);
        Overhead(runtime, runs, windows * 4, "any model", 1, 1, double.NaN);
        return Task.FromResult(0);
    }

    private sealed record TimeSplit(double Mel, double Embedding, double Own, int WindowsPerCall)
    {
        public string Line(string label)
        {
            var total = (Mel + Embedding + Own) / WindowsPerCall;
            return $"  {label,-9} {total,8:F2} ms/window = mel {Mel / WindowsPerCall,7:F2} ms ({Mel / WindowsPerCall / total,4:P0}) + embedding " +
                   $"{Embedding / WindowsPerCall,7:F2} ms ({Embedding / WindowsPerCall / total,4:P0}) + our code {Own / WindowsPerCall,6:F2} ms ({Own / WindowsPerCall / total,4:P0})";
        }
    }

    /// <summary>
    /// Per call of <paramref name="call"/>: the same call's mel runs (one per window) and embedding run, done alone right
    /// after it, so that load from other processes falls alike on all three; our code's time is the call's time minus
    /// the model runs', and each part is the median over every timed call.
    /// </summary>
    private static TimeSplit Split(int runs, int calls, int windowsPerCall, Action<int> call, Action runMel, Action runEmbedding)
    {
        var mel = new List<double>();
        var embedding = new List<double>();
        var own = new List<double>();
        for (var r = 0; r <= runs; r++)   // run 0 warms up
            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                call(i);
                var whole = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                start = Stopwatch.GetTimestamp();
                for (var w = 0; w < windowsPerCall; w++)
                    runMel();
                var melMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                start = Stopwatch.GetTimestamp();
                runEmbedding();
                var embeddingMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (r == 0)
                    continue;
                mel.Add(melMs);
                embedding.Add(embeddingMs);
                own.Add(whole - melMs - embeddingMs);
            }
        return new TimeSplit(Median(mel), Median(embedding), Median(own), windowsPerCall);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return Percentile(values, 0.5);
    }

    private static void Overhead(OnnxRuntime runtime, int runs, int calls, string label, int width, int rows, double modelMs)
    {
        var path = IdentityModel.Write(elementType: 1, width);
        try
        {
            using var identity = runtime.OpenSession(path);
            var input = new float[rows * width];
            var output = new float[rows * width];
            var result = Measure(runs, calls, 1, _ => identity.Run([OnnxTensor.Float("x", input, rows, width)], "y", output));
            var share = double.IsNaN(modelMs) ? "" : $" = {result.P50PerCall / modelMs:P1} of the model's own run ({modelMs:F2} ms)";
            Console.WriteLine($"  {label,-28} [{rows} x {width}] floats: p50 {Duration(result.P50PerCall)} per call{share}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed record Result(double WindowsPerSecond, double P50PerCall, double P99PerCall, int WindowsPerCall, double[] RunRates)
    {
        public double P50PerWindow => P50PerCall / WindowsPerCall;

        public string Line(string label) =>
            $"{label,-22} {WindowsPerSecond,8:F1} windows/s   per call p50 {Duration(P50PerCall)} p99 {Duration(P99PerCall)}   " +
            $"({P50PerWindow:F2} ms per window; runs: {string.Join(", ", RunRates.Select(r => r.ToString("F1")))} windows/s)";
    }

    /// <summary>
    /// An untimed warm-up run, then <paramref name="runs"/> runs of <paramref name="calls"/> calls; the median run's
    /// rate and the p50 / p99 of every timed call.
    /// </summary>
    private static Result Measure(int runs, int calls, int windowsPerCall, Action<int> work)
    {
        for (var i = 0; i < calls; i++)
            work(i);
        var rates = new double[runs];
        var latencies = new List<double>(runs * calls);
        for (var r = 0; r < runs; r++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                var callStart = Stopwatch.GetTimestamp();
                work(i);
                latencies.Add(Stopwatch.GetElapsedTime(callStart).TotalMilliseconds);
            }
            rates[r] = calls * windowsPerCall / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        latencies.Sort();
        return new Result(rates.Order().ElementAt(runs / 2), Percentile(latencies, 0.50), Percentile(latencies, 0.99), windowsPerCall, rates);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Duration(double milliseconds) =>
        milliseconds >= 0.1 ? $"{milliseconds,8:F2} ms" : $"{milliseconds * 1_000,8:F2} µs";

    /// <summary>
    /// A voice-like 10 s window: a glottal-like pulse train (harmonics at 1/n, pitch gliding around a seed-chosen
    /// 100–220 Hz) whose level rises and falls four times a second like syllables, over quiet noise. Model run time
    /// does not depend on content; this only keeps the mel model's input realistic.
    /// </summary>
    private static float[] VoiceLikeWindow(int seed)
    {
        var random = new Random(seed);
        var window = new float[AudioWindow.Samples];
        var pitch = 100 + 120 * random.NextDouble();
        var phase = 0.0;
        for (var i = 0; i < window.Length; i++)
        {
            var t = (double)i / AudioWindow.SampleRateHz;
            phase += pitch * (1 + 0.1 * Math.Sin(2 * Math.PI * 0.7 * t)) / AudioWindow.SampleRateHz;
            var sample = 0.0;
            for (var n = 1; n <= 12; n++)
                sample += Math.Sin(2 * Math.PI * n * phase) / n;
            var syllable = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t));
            window[i] = (float)(0.1 * syllable * sample + 0.005 * (random.NextDouble() * 2 - 1));
        }
        return window;
    }
}
