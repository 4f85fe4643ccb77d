using System.Diagnostics;
using System.Net.Http.Headers;
using AudioFunctions.Storage;
using AudioFunctions.Tests.Infrastructure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// Streams N concurrent sessions of 44.1 kHz stereo s16 through the app as fast as it acknowledges
/// them (so faster than real time), beside the raw rate of the same appends straight to Azurite:
/// the storage ceiling the app's per-frame work is measured against.
/// </summary>
public static class StreamIngestBenchmark
{
    internal const int SampleRateHz = 44_100;
    internal const int BytesPerFrame = 4; // s16 stereo
    private const int WarmUpFrames = 20;

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var sessions = args.Int("sessions", 8);
        var seconds = args.Double("seconds", 30);           // audio per session
        var frameMs = args.Double("frame-ms", 100);         // audio per HTTP frame
        var frameBytes = (int)(SampleRateHz * frameMs / 1000) * BytesPerFrame;
        var framesPerSession = (int)Math.Ceiling(seconds * 1000 / frameMs);

        Console.WriteLine($"stream ingest: {sessions} sessions x {framesPerSession} frames of {frameBytes} bytes " +
                          $"({frameMs} ms of 44.1 kHz stereo s16), {Environment.ProcessorCount} cores");
        await using var azurite = await AzuriteServer.StartAsync();

        // A short unmeasured pass of each phase first: JIT, connection pools and Azurite's own start-up.
        await RawAppendsAsync(azurite, sessions, WarmUpFrames, frameBytes);
        var raw = await RawAppendsAsync(azurite, sessions, framesPerSession, frameBytes);
        Console.WriteLine(raw.Line("azurite append (ceiling)", "appends"));

        var prefix = AppInstance.NewPrefix();
        await using var app = await AppInstance.StartAsync(azurite, prefix, new Dictionary<string, string?>
        {
            ["INSIGHT_STREAM__MAX_SESSIONS"] = Math.Max(100, sessions).ToString(),
        });
        await StreamThroughAppAsync(app, sessions, WarmUpFrames, frameBytes);
        var streamed = await StreamThroughAppAsync(app, sessions, framesPerSession, frameBytes);
        var audioSeconds = streamed.Bytes / (double)(SampleRateHz * BytesPerFrame);
        Console.WriteLine(streamed.Line("app frames", "frames"));
        Console.WriteLine($"{"app vs ceiling",-28} {streamed.OperationsPerSecond / raw.OperationsPerSecond,10:P0} of the raw append rate");
        Console.WriteLine($"{"real-time factor",-28} {audioSeconds / streamed.WallTime.TotalSeconds,10:F0}x ({audioSeconds:F0} s of audio in {streamed.WallTime.TotalSeconds:F1} s)");
        return 0;
    }

    private static async Task<ThroughputSummary> RawAppendsAsync(AzuriteServer azurite, int writers, int appends, int blockBytes)
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("rawappend");
        await container.CreateIfNotExistsAsync();
        var block = new byte[blockBytes];
        Random.Shared.NextBytes(block);
        var recorder = new LatencyRecorder();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var blob = container.GetAppendBlobClient($"writer-{w}-{Guid.NewGuid():N}.pcm");
            await blob.CreateIfNotExistsAsync();
            for (long i = 0, offset = 0; i < appends; i++, offset += blockBytes)
            {
                var start = Stopwatch.GetTimestamp();
                using var content = new MemoryStream(block, writable: false);
                await blob.AppendBlockAsync(content, new AppendBlobAppendBlockOptions
                {
                    Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = offset },
                });
                recorder.Record(start, blockBytes);
            }
        }));
        return recorder.Summarise(wall.Elapsed);
    }

    private static async Task<ThroughputSummary> StreamThroughAppAsync(AppInstance app, int sessions, int frames, int frameBytes)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var frame = new byte[frameBytes];
        Random.Shared.NextBytes(frame);
        var ids = await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => StartAsync(http, $"bench-{i}-{Guid.NewGuid():N}")));

        var recorder = new LatencyRecorder();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(ids.Select(async id =>
        {
            for (var seq = 0; seq < frames; seq++)
            {
                var start = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(frame);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var response = await http.PostAsync($"/api/v1/stream/{id}/frames?seq={seq}", content);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"frame {seq} of {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                recorder.Record(start, frameBytes);
            }
        }));
        var summary = recorder.Summarise(wall.Elapsed);
        foreach (var id in ids)
            (await http.PostAsync($"/api/v1/stream/{id}/end", null)).EnsureSuccessStatusCode();
        return summary;
    }

    /// <summary>Starts a 44.1 kHz stereo s16 session of <paramref name="trackId"/>; returns its id.</summary>
    internal static async Task<string> StartAsync(HttpClient http, string trackId)
    {
        var body = $$"""{"track_id":"{{trackId}}","format":"pcm_s16_le","sample_rate":{{SampleRateHz}},"channels":2}""";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/stream/start") { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("session_id").GetString()!;
    }
}
