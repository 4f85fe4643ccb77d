using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// Re-embedding throughput: stores a library of synthesized tracks (10 s each, so one window per track) in the
/// <c>dsp</c> space, then times a job that re-embeds every track into <c>speech</c> and switches, a job that deletes
/// the <c>dsp</c> space, and a job that re-embeds every track into <c>dsp</c> again (computing it anew). All on this
/// machine: Azurite, the app and ONNX Runtime at its configured threads.
/// </summary>
public static class ReembedBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var count = args.Int("tracks", 200);
        var slice = args.Int("slice", 25);
        Console.WriteLine($"re-embedding {count} tracks of 10 s (slices of {slice} tracks)");

        await using var azurite = await AzuriteServer.StartAsync();
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix(), new Dictionary<string, string?>
        {
            ["EMBEDDING__JOB_SLICE_TRACKS"] = slice.ToString(CultureInfo.InvariantCulture),
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var families = Enum.GetValues<InstrumentFamily>();
        var library = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await StoreTrackAsync(http, $"library-{i}", SyntheticInstruments.Window(families[i % families.Length], i)));
        Console.WriteLine($"library stored in {library.Elapsed.TotalSeconds:F1} s");

        foreach (var (what, request) in new (string, Func<Task<HttpResponseMessage>>)[]
        {
            ("re-embed into speech", () => http.PostAsJsonAsync("/api/v1/spaces/reembed", new { collection = "audio", embedder = "speech" })),
            ("delete dsp-1-512", () => http.DeleteAsync("/api/v1/spaces/audio/dsp-1-512")),
            ("re-embed into dsp", () => http.PostAsJsonAsync("/api/v1/spaces/reembed", new { collection = "audio", embedder = "dsp" })),
        })
        {
            var clock = Stopwatch.StartNew();
            var started = await request();
            var body = await started.Content.ReadFromJsonAsync<JsonElement>();
            if (!started.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"could not {what}: {(int)started.StatusCode} {body}");
                return 1;
            }
            var jobId = body.GetProperty("job_id").GetString();
            JsonElement job;
            do
            {
                await Task.Delay(100);
                job = await http.GetFromJsonAsync<JsonElement>($"/api/v1/spaces/jobs/{jobId}");
            }
            while (job.GetProperty("status").GetString() is not ("completed" or "failed"));
            var seconds = clock.Elapsed.TotalSeconds;
            var done = job.GetProperty("tracks_done").GetInt32();
            Console.WriteLine($"{what} ({job.GetProperty("space").GetString()}): {job.GetProperty("status").GetString()}, {done} tracks, "
                + $"{job.GetProperty("errors").GetInt32()} errors in {seconds:F1} s = {done / seconds * 60:F0} tracks/min");
        }
        return 0;
    }

    private static async Task StoreTrackAsync(HttpClient http, string trackId, float[] samples)
    {
        var start = await http.PostAsJsonAsync("/api/v1/stream/start", new { track_id = trackId, format = "pcm_f32_le", sample_rate = 48_000, channels = 1 });
        var sessionId = (await start.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session_id").GetString();
        using var frame = new ByteArrayContent(MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());
        frame.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await http.PostAsync($"/api/v1/stream/{sessionId}/frames", frame)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"/api/v1/stream/{sessionId}/end", new { store = true })).EnsureSuccessStatusCode();
    }
}
