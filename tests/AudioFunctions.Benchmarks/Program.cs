using AudioFunctions.Benchmarks;

// Benchmark commands. Each starts what it measures on 127.0.0.1 and stops it afterwards.
var commands = new Dictionary<string, Func<BenchmarkArguments, Task<int>>>
{
    // stream [--sessions 8] [--seconds 30] [--frame-ms 100]
    ["stream"] = StreamIngestBenchmark.RunAsync,
    // live [--sessions 1,10,100] [--seconds 10] [--chunk-ms 100]: WebSocket and HTTP frames side by side
    ["live"] = LiveIngestBenchmark.RunAsync,
    // searchable [--minutes 5] [--speed 1] [--runs 3]
    ["searchable"] = SearchableLatencyBenchmark.RunAsync,
    ["search"] = SearchBenchmark.RunAsync,
    ["resample"] = ResampleBenchmark.RunAsync,
    ["embed"] = EmbedBenchmark.RunAsync,
    // speech [--windows 64] [--runs 5]: the speech embedder and its two ONNX models at 1 intra-op thread
    ["speech"] = SpeechBenchmark.RunAsync,
    // reembed [--tracks 200] [--slice 25]: re-embedding jobs dsp → speech → dsp over a stored library
    ["reembed"] = ReembedBenchmark.RunAsync,
    ["ann"] = _ => AnnBenchmark.RunAsync(args[1..]),
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: bench.sh <" + string.Join("|", commands.Keys) + "> [--option value ...]");
    return 2;
}
return await command(new BenchmarkArguments(args[1..]));
