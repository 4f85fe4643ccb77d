using System.Buffers.Binary;
using System.Diagnostics;
using AudioFunctions.Audio;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// Decode + mix + resample of 44.1 kHz stereo s16 to 48 kHz mono float on one core, in 100 ms
/// frames as a stream arrives, beside sox's high-quality resampler doing the same conversion
/// (<c>rate -h</c>, one process pinned to core 0, timed by wall clock including its start-up and
/// file I/O). Both outputs are scored on the same 1 kHz tone: the SNR of a least-squares sine fit.
/// </summary>
public static class ResampleBenchmark
{
    private const int InputRateHz = 44_100;
    private const int OutputRateHz = AudioWindow.SampleRateHz;
    private const double ToneHz = 1_000;

    /// <summary>−0.9 dBFS: loud enough that s16 quantization (≈ 97 dB SNR) is the floor both share.</summary>
    private const double ToneAmplitude = 0.9;

    private const int FrameSamples = InputRateHz / 10; // 100 ms
    private const int WarmUpRuns = 3;

    /// <summary>Edges excluded from the SNR fit: the filters' start-up and tail, and sox's trimming.</summary>
    private const double EdgeSeconds = 0.5;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var seconds = args.Double("seconds", 60);
        var repetitions = Math.Max(1, args.Int("repetitions", 5));
        var format = new StreamAudioFormat(PcmEncoding.S16Le, InputRateHz, 2);
        var pcm = StereoTone(seconds);
        Console.WriteLine($"resample: {seconds:F0} s of 44.1 kHz stereo s16 ({ToneHz:F0} Hz tone at {ToneAmplitude}) → 48 kHz mono f32, " +
                          $"best and median of {repetitions} runs, one core");

        var (ourTimes, ourOutput) = MeasureOurs(pcm, format, repetitions);
        var ceiling = SnrDb(DecodeWhole(pcm, format), InputRateHz);
        var ourSnr = SnrDb(ourOutput, OutputRateHz);
        var rows = new List<string>
        {
            Row("AudioFunctions PcmDecoder+Resampler", seconds, ourTimes, ourSnr),
        };

        var sox = FindOnPath("sox");
        if (sox is null)
            Console.WriteLine("sox is not installed (apt-get install -y sox): only our figures follow.");
        else
        {
            var (soxTimes, soxOutput, startup) = await MeasureSoxAsync(sox, pcm, repetitions);
            rows.Add(Row("sox rate -h (process, file I/O)", seconds, soxTimes, SnrDb(soxOutput, OutputRateHz)));
            rows.Add($"{"  of which sox start-up",-38} {startup.TotalMilliseconds,8:F1} ms per run (0.1 s input)");
        }

        Console.WriteLine($"{"implementation",-38} {"x real time",22} {"SNR dB",8}");
        Console.WriteLine($"{"",-38} {"best",10} {"median",11}");
        foreach (var row in rows)
            Console.WriteLine(row);
        Console.WriteLine($"{"s16 input itself (SNR ceiling)",-38} {"",22} {ceiling,8:F1}");
        Console.WriteLine($"{"our resampler alone, f32 tone",-38} {"",22} {SnrDb(ResampleFloatTone(), OutputRateHz),8:F1}");
        return 0;
    }

    /// <summary>The app's path for one stream: decode each 100 ms frame into a scratch buffer, resample on.</summary>
    private static (List<TimeSpan> Times, float[] Output) MeasureOurs(byte[] pcm, StreamAudioFormat format, int repetitions)
    {
        var frameBytes = FrameSamples * format.BytesPerFrame;
        var mono = new float[FrameSamples];
        var probe = new Resampler(InputRateHz, OutputRateHz);
        var output = new float[probe.MaxOutputSamples(PcmDecoder.MonoSamplesIn(pcm.Length, format)) + probe.FlushOutputSamples + 1_000];
        var times = new List<TimeSpan>();

        var previousAffinity = PinToFirstCore();
        try
        {
            for (var run = 0; run < WarmUpRuns + repetitions; run++)
            {
                var resampler = new Resampler(InputRateHz, OutputRateHz);
                var start = Stopwatch.GetTimestamp();
                var written = 0;
                for (var offset = 0; offset < pcm.Length; offset += frameBytes)
                {
                    var frame = pcm.AsSpan(offset, Math.Min(frameBytes, pcm.Length - offset));
                    var samples = PcmDecoder.MonoSamplesIn(frame.Length, format);
                    PcmDecoder.DecodeToMono(frame, format, mono);
                    written += resampler.Process(mono.AsSpan(0, samples), output.AsSpan(written));
                }
                written += resampler.Flush(output.AsSpan(written));
                if (run >= WarmUpRuns)
                    times.Add(Stopwatch.GetElapsedTime(start));
                if (run == WarmUpRuns + repetitions - 1)
                    output = output[..written];
            }
        }
        finally
        {
            RestoreAffinity(previousAffinity);
        }
        return (times, output);
    }

    private static async Task<(List<TimeSpan> Times, float[] Output, TimeSpan Startup)> MeasureSoxAsync(string sox, byte[] pcm, int repetitions)
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"resample-bench-{Guid.NewGuid():N}");
        string input = prefix + "-in.raw", output = prefix + "-out.raw", shortInput = prefix + "-short.raw", shortOutput = prefix + "-short-out.raw";
        try
        {
            await File.WriteAllBytesAsync(input, pcm);
            await File.WriteAllBytesAsync(shortInput, pcm.AsMemory(0, InputRateHz / 10 * 4).ToArray());
            var taskset = FindOnPath("taskset");
            if (taskset is null)
                Console.WriteLine("taskset not found: sox runs unpinned (it is single-threaded).");

            // The same warm-up as ours: the first runs fill the page cache and load sox's libraries.
            for (var run = 0; run < WarmUpRuns; run++)
                await RunSoxAsync(sox, taskset, shortInput, shortOutput);
            var startup = TimeSpan.MaxValue;
            for (var run = 0; run < repetitions; run++)
            {
                var elapsed = await RunSoxAsync(sox, taskset, shortInput, shortOutput);
                startup = elapsed < startup ? elapsed : startup;
            }

            await RunSoxAsync(sox, taskset, input, output);
            var times = new List<TimeSpan>();
            for (var run = 0; run < repetitions; run++)
                times.Add(await RunSoxAsync(sox, taskset, input, output));
            var bytes = await File.ReadAllBytesAsync(output);
            var samples = new float[bytes.Length / 4];
            for (var i = 0; i < samples.Length; i++)
                samples[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
            return (times, samples, startup);
        }
        finally
        {
            foreach (var path in new[] { input, output, shortInput, shortOutput })
                File.Delete(path);
        }
    }

    /// <summary>One sox conversion, timed from process start to exit.</summary>
    private static async Task<TimeSpan> RunSoxAsync(string sox, string? taskset, string input, string output)
    {
        var info = new ProcessStartInfo(taskset ?? sox) { RedirectStandardError = true, UseShellExecute = false };
        if (taskset is not null)
            foreach (var arg in new[] { "-c", "0", sox })
                info.ArgumentList.Add(arg);
        foreach (var arg in new[]
        {
            "-t", "raw", "-r", "44100", "-e", "signed", "-b", "16", "-c", "2", input,
            "-t", "raw", "-r", "48000", "-e", "float", "-b", "32", "-c", "1", output, "rate", "-h",
        })
            info.ArgumentList.Add(arg);

        var start = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("sox did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"sox exited with {process.ExitCode}: {await errors}");
        return elapsed;
    }

    /// <summary>
    /// Pins this process to core 0 (where sox runs too) so "one core" means the same for both;
    /// returns the previous mask, or null where affinity cannot be set.
    /// </summary>
    private static nint? PinToFirstCore()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
            return null;
        using var process = Process.GetCurrentProcess();
        var previous = process.ProcessorAffinity;
        process.ProcessorAffinity = 1;
        return previous;
    }

    private static void RestoreAffinity(nint? previous)
    {
        if (previous is not { } mask || (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows()))
            return;
        using var process = Process.GetCurrentProcess();
        process.ProcessorAffinity = mask;
    }

    private static string Row(string label, double seconds, List<TimeSpan> times, double snrDb)
    {
        var sorted = times.Select(t => t.TotalSeconds).Order().ToArray();
        var best = seconds / sorted[0];
        var median = seconds / sorted[sorted.Length / 2];
        return $"{label,-38} {best,10:F0} {median,11:F0} {snrDb,8:F1}";
    }

    /// <summary>Both channels carry the same tone (so the mix is the tone), rounded to s16.</summary>
    private static byte[] StereoTone(double seconds)
    {
        var frames = (int)(seconds * InputRateHz);
        var pcm = new byte[frames * 4];
        for (var n = 0; n < frames; n++)
        {
            var sample = (short)Math.Round(ToneAmplitude * short.MaxValue * Math.Sin(2 * Math.PI * ToneHz * n / InputRateHz));
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(4 * n), sample);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(4 * n + 2), sample);
        }
        return pcm;
    }

    private static float[] DecodeWhole(byte[] pcm, StreamAudioFormat format)
    {
        var mono = new float[PcmDecoder.MonoSamplesIn(pcm.Length, format)];
        PcmDecoder.DecodeToMono(pcm, format, mono);
        return mono;
    }

    /// <summary>10 s of the tone as f32 straight into the resampler: its own error, without s16's floor.</summary>
    private static float[] ResampleFloatTone()
    {
        var input = new float[InputRateHz * 10];
        for (var n = 0; n < input.Length; n++)
            input[n] = (float)(ToneAmplitude * Math.Sin(2 * Math.PI * ToneHz * n / InputRateHz));
        var resampler = new Resampler(InputRateHz, OutputRateHz);
        var output = new float[resampler.MaxOutputSamples(input.Length) + resampler.FlushOutputSamples + 1_000];
        var written = resampler.Process(input, output);
        written += resampler.Flush(output.AsSpan(written));
        return output[..written];
    }

    /// <summary>
    /// Least-squares fit of a·sin + b·cos at the tone's frequency away from the edges; SNR is the
    /// fitted sine's energy over the residual's. Sox and ours are scored by this same code.
    /// </summary>
    private static double SnrDb(ReadOnlySpan<float> signal, int rateHz)
    {
        var edge = (int)(EdgeSeconds * rateHz);
        if (signal.Length <= 2 * edge + rateHz / 10)
            return double.NaN;
        var omega = 2 * Math.PI * ToneHz / rateHz;
        double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0;
        for (var n = edge; n < signal.Length - edge; n++)
        {
            var (s, c) = Math.SinCos(omega * n);
            ss += s * s;
            sc += s * c;
            cc += c * c;
            xs += signal[n] * s;
            xc += signal[n] * c;
        }
        var determinant = ss * cc - sc * sc;
        var a = (xs * cc - xc * sc) / determinant;
        var b = (xc * ss - xs * sc) / determinant;
        double fitted = 0, residual = 0;
        for (var n = edge; n < signal.Length - edge; n++)
        {
            var (s, c) = Math.SinCos(omega * n);
            var model = a * s + b * c;
            fitted += model * model;
            residual += (signal[n] - model) * (signal[n] - model);
        }
        return 10 * Math.Log10(fitted / residual);
    }

    private static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
