using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// Streams a track at real-time pace (100 ms frames of 44.1 kHz stereo s16 every 100 ms, as a
/// player would), then measures the time from the <c>end</c> request to the track being searchable:
/// the <c>end</c> answer (which waits for the stored track) and the first search that returns it.
/// </summary>
public static class SearchableLatencyBenchmark
{
    private const int SampleRateHz = 44_100;
    private const int FrameMs = 100;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var minutes = args.Double("minutes", 5);
        var speed = args.Double("speed", 1);            // 1 = real time
        var runs = args.Int("runs", 3);
        var frameBytes = SampleRateHz * FrameMs / 1000 * 4;
        var frames = (int)(minutes * 60_000 / FrameMs);
        Console.WriteLine($"end → searchable: {runs} tracks of {minutes} min of 44.1 kHz stereo s16 at {speed}× real time, {FrameMs} ms frames");

        await using var azurite = await AzuriteServer.StartAsync();
        // --log-steps 1 prints each pipeline step's duration, to see where the time after end goes.
        var stepLog = args.Int("log-steps", 0) == 1
            ? new Dictionary<string, string?>
            {
                ["Logging__LogLevel__AudioFunctions.Orchestration"] = "Debug",
                ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
                ["Logging__Console__FormatterName"] = "simple",
            }
            : null;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix(), stepLog);
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var pcm = Tone(frameBytes * frames);

        for (var run = 0; run < runs; run++)
        {
            var trackId = $"searchable-{run}-{Guid.NewGuid():N}";
            var sessionId = await PostJsonAsync(http, "/api/v1/stream/start",
                $$$"""{"track_id":"{{{trackId}}}","format":"pcm_s16_le","sample_rate":{{{SampleRateHz}}},"channels":2,"metadata":{"name":"Benchmark {{{run}}}","artists":["Pace Keeper"]}}""", "session_id");

            var pace = Stopwatch.StartNew();
            for (var i = 0; i < frames; i++)
            {
                using var content = new ByteArrayContent(pcm, i * frameBytes, frameBytes);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                (await http.PostAsync($"/api/v1/stream/{sessionId}/frames?seq={i}", content)).EnsureSuccessStatusCode();
                var due = TimeSpan.FromMilliseconds((i + 1) * FrameMs / speed);
                if (due > pace.Elapsed)
                    await Task.Delay(due - pace.Elapsed);
            }

            if (stepLog is not null)
                Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} end of track {run}"); // to line up with the step log
            var clock = Stopwatch.StartNew();
            var windows = await PostJsonAsync(http, $"/api/v1/stream/{sessionId}/end", """{"store":true,"min_duration_s":3.0}""", "windows_processed");
            var ended = clock.Elapsed;
            var embedding = await PostJsonAsync(http, "/api/v1/embed/text", """{"text":"pace keeper"}""", "embedding");
            while (true)
            {
                var results = await PostJsonAsync(http, "/api/v1/tracks/search", $$"""{"embedding":{{embedding}},"collection":"text","limit":5}""", "results");
                if (results.Contains(trackId, StringComparison.Ordinal))
                    break;
            }
            var searchable = clock.Elapsed;
            Console.WriteLine($"track {run}: {windows} windows; end answered in {ended.TotalMilliseconds:F0} ms, searchable after {searchable.TotalMilliseconds:F0} ms (streaming took {pace.Elapsed.TotalSeconds:F0} s)");
        }
        return 0;
    }

    private static async Task<string> PostJsonAsync(HttpClient http, string path, string body, string field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        var value = json.RootElement.GetProperty(field);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
    }

    /// <summary>A chord of three tones, so windows carry a real spectrum.</summary>
    private static byte[] Tone(int bytes)
    {
        var pcm = new byte[bytes];
        for (var i = 0; i < bytes / 4; i++)
        {
            var t = (double)i / SampleRateHz;
            var value = (short)(8000 * (Math.Sin(2 * Math.PI * 220 * t) + Math.Sin(2 * Math.PI * 277.2 * t) + Math.Sin(2 * Math.PI * 329.6 * t)));
            BitConverter.TryWriteBytes(pcm.AsSpan(i * 4), value);
            BitConverter.TryWriteBytes(pcm.AsSpan(i * 4 + 2), value);
        }
        return pcm;
    }
}
