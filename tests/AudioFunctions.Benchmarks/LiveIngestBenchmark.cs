using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using AudioFunctions.Functions.Sockets;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// The two ways audio comes in, side by side on one Azurite and one app: live WebSocket sessions
/// (a binary message per chunk, a JSON ack once it is durable) and HTTP frames. For each session
/// count, every session keeps one chunk of 44.1 kHz stereo s16 in flight, sending the next as soon
/// as the previous one is acknowledged, for a fixed wall time. Sessions are opened before and
/// closed after the measured interval; each transport's sessions are finished (track stored)
/// before the next run starts, so one run's pipeline work does not weigh on the next.
/// </summary>
public static partial class LiveIngestBenchmark
{
    private const int SampleRateHz = StreamIngestBenchmark.SampleRateHz;
    private const int BytesPerFrame = StreamIngestBenchmark.BytesPerFrame;
    private const int WarmUpSessions = 10;
    private const int WarmUpChunks = 5;

    /// <summary>
    /// Starts and ends at once, at most. Every start and end rewrites the one registry blob by
    /// compare-and-swap; a burst of a hundred makes most of them lose and retry (or give up busy),
    /// which is a cost of setting up, not of the ingestion measured here.
    /// </summary>
    private const int MaxConcurrentStartsAndEnds = 10;

    /// <summary>Starts and ends answered busy are retried, as the answer tells the client to.</summary>
    private const int MaxBusyAttempts = 10;

    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    private enum Transport { WebSocket, HttpFrames }

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var sessionCounts = args.Ints("sessions", [1, 10, 100]);
        var seconds = args.Double("seconds", 10);       // wall time each transport streams, per session count
        var chunkMs = args.Double("chunk-ms", 100);     // audio per WebSocket message / HTTP frame
        var chunkBytes = (int)(SampleRateHz * chunkMs / 1000) * BytesPerFrame;
        var chunk = new byte[chunkBytes];
        Random.Shared.NextBytes(chunk);

        Console.WriteLine($"live ingest: sessions {string.Join(",", sessionCounts)}, {seconds} s each, chunks of {chunkMs} ms " +
                          $"({chunkBytes} bytes of 44.1 kHz stereo s16), one chunk in flight per session, {Environment.ProcessorCount} cores");
        await using var azurite = await AzuriteServer.StartAsync();
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix(), new Dictionary<string, string?>
        {
            // Exactly the most sessions any run opens: a slot not given back would show as refused starts.
            ["INSIGHT_STREAM__MAX_SESSIONS"] = sessionCounts.Max().ToString(CultureInfo.InvariantCulture),
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = AckTimeout };

        // An unmeasured pass of each transport first: JIT, connection pools, Azurite's own start-up.
        Console.WriteLine("warm-up (not measured):");
        foreach (var transport in Enum.GetValues<Transport>())
            await MeasureAsync(app, http, transport, Math.Min(WarmUpSessions, sessionCounts.Max()), chunk, TimeSpan.MaxValue, WarmUpChunks);

        Console.WriteLine("measured:");
        var results = new List<(Transport Transport, int Sessions, ThroughputSummary Summary, int Errors)>();
        foreach (var sessions in sessionCounts)
        {
            foreach (var transport in Enum.GetValues<Transport>())
            {
                var (summary, errors) = await MeasureAsync(app, http, transport, sessions, chunk, TimeSpan.FromSeconds(seconds), int.MaxValue);
                Console.WriteLine(summary.Line($"{Name(transport)} x{sessions}", "acks") + $"   errors {errors}");
                results.Add((transport, sessions, summary, errors));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Ingest of 44.1 kHz stereo s16 in {chunkMs:0.###} ms chunks ({chunkBytes} bytes), one chunk in flight per session, " +
                          $"{seconds:0.###} s per run; app and Azurite on one machine ({Environment.ProcessorCount} cores), loopback. MB = 10^6 bytes of acknowledged audio.");
        Console.WriteLine();
        Console.WriteLine("| transport | sessions | audio MB/s | acks/s | × real time | ack p50 (ms) | ack p99 (ms) | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (transport, sessions, s, errors) in results)
        {
            var realTime = s.Bytes / (double)(SampleRateHz * BytesPerFrame) / s.WallTime.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Name(transport)} | {sessions} | {s.MegabytesPerSecond:F2} | {s.OperationsPerSecond:F0} | {realTime:F0} | {s.P50Milliseconds:F1} | {s.P99Milliseconds:F1} | {errors} |"));
        }
        return results.Sum(r => r.Errors) == 0 ? 0 : 1;
    }

    private static string Name(Transport transport) => transport == Transport.WebSocket ? "WebSocket" : "HTTP frames";

    /// <summary>
    /// Opens <paramref name="sessions"/> sessions, streams into all of them until <paramref name="duration"/>
    /// has passed or each has sent <paramref name="maxChunks"/>, then closes them and waits until their
    /// tracks are stored. Only the streaming is timed.
    /// </summary>
    private static async Task<(ThroughputSummary Summary, int Errors)> MeasureAsync(
        AppInstance app, HttpClient http, Transport transport, int sessions, byte[] chunk, TimeSpan duration, int maxChunks)
    {
        var errors = new ErrorLog(Name(transport));
        using var setUp = new SemaphoreSlim(MaxConcurrentStartsAndEnds);
        var phase = Stopwatch.StartNew();
        var opened = await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => OpenAsync(app, http, transport, i, setUp, errors)));
        var senders = opened.OfType<ILiveSender>().ToArray();

        var openTime = phase.Elapsed;
        var recorder = new LatencyRecorder();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(senders.Select(sender => StreamAsync(sender, chunk, wall, duration, maxChunks, recorder, errors)));
        var summary = recorder.Summarise(wall.Elapsed);

        phase.Restart();
        await Task.WhenAll(senders.Select(async sender =>
        {
            await setUp.WaitAsync();
            try
            {
                await using (sender)
                    await CloseAsync(sender, errors);
            }
            finally
            {
                setUp.Release();
            }
        }));
        var closeTime = phase.Elapsed;
        phase.Restart();
        await SettleAsync(http, senders.Select(s => s.SessionId), errors);
        Console.WriteLine($"  {Name(transport)} x{sessions}: opened in {openTime.TotalSeconds:F1} s, closed in {closeTime.TotalSeconds:F1} s, " +
                          $"tracks stored {phase.Elapsed.TotalSeconds:F1} s later");
        errors.Print();
        return (summary, errors.Count);
    }

    private static async Task StreamAsync(
        ILiveSender sender, byte[] chunk, Stopwatch wall, TimeSpan duration, int maxChunks, LatencyRecorder recorder, ErrorLog errors)
    {
        for (var sent = 0; sent < maxChunks && wall.Elapsed < duration && sender.CanSend; sent++)
        {
            var start = Stopwatch.GetTimestamp();
            string? problem;
            try
            {
                problem = await sender.SendAsync(chunk);
            }
            catch (Exception e) when (IsTransportFailure(e))
            {
                problem = e.GetType().Name + ": " + e.Message;
                sender.Abandon();
            }
            if (problem is null)
                recorder.Record(start, chunk.Length);
            else
                errors.Add($"chunk {sent} of {sender.SessionId}: {problem}");
        }
    }

    private static async Task<ILiveSender?> OpenAsync(
        AppInstance app, HttpClient http, Transport transport, int index, SemaphoreSlim setUp, ErrorLog errors)
    {
        var trackId = $"live-bench-{(transport == Transport.WebSocket ? "ws" : "http")}-{index}-{Guid.NewGuid():N}";
        await setUp.WaitAsync();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return transport == Transport.WebSocket
                        ? await WebSocketSender.OpenAsync(app, trackId)
                        : new HttpFrameSender(http, await StreamIngestBenchmark.StartAsync(http, trackId));
                }
                catch (Exception e) when (attempt < MaxBusyAttempts && IsBusy(e))
                {
                    errors.Retried();
                    await Task.Delay(Random.Shared.Next(50, 250));
                }
                catch (Exception e) when (IsTransportFailure(e) || e is InvalidOperationException)
                {
                    errors.Add($"open of {trackId}: {e.Message}");
                    return null;
                }
            }
        }
        finally
        {
            setUp.Release();
        }
    }

    private static async Task CloseAsync(ILiveSender sender, ErrorLog errors)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (problem, busy) = await sender.CloseAsync();
                if (problem is null)
                    return;
                if (busy && attempt < MaxBusyAttempts)
                {
                    errors.Retried();
                    await Task.Delay(Random.Shared.Next(50, 250));
                    continue;
                }
                errors.Add($"close of {sender.SessionId}: {problem}");
                return;
            }
            catch (Exception e) when (IsTransportFailure(e))
            {
                errors.Add($"close of {sender.SessionId}: {e.GetType().Name}: {e.Message}");
                return;
            }
        }
    }

    private static bool IsTransportFailure(Exception e) =>
        e is WebSocketException or HttpRequestException or OperationCanceledException or IOException or JsonException;

    private static bool IsBusy(Exception e) =>
        e is HttpRequestException { StatusCode: HttpStatusCode.ServiceUnavailable }
        || e is WebSocketRefusedException { CloseCode: LiveAudioClose.TryAgainLater };

    /// <summary>Waits until every session has left <c>finalizing</c>; anything but <c>completed</c> is an error.</summary>
    private static async Task SettleAsync(HttpClient http, IEnumerable<string> sessionIds, ErrorLog errors)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var id in sessionIds)
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/stream/{id}/status");
                request.Headers.Accept.ParseAdd("application/json");
                string answer, status;
                try
                {
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    answer = $"{(int)response.StatusCode} {body}";
                    status = response.IsSuccessStatusCode ? JsonField(body, "status") ?? "" : "";
                }
                catch (Exception e) when (IsTransportFailure(e))
                {
                    errors.Add($"status of {id}: {e.GetType().Name}: {e.Message}");
                    break;
                }
                if (status == "finalizing" && deadline.Elapsed < SettleTimeout)
                {
                    await Task.Delay(100);
                    continue;
                }
                if (status != "completed")
                    errors.Add($"session {id} ended as {answer}");
                break;
            }
        }
    }

    private static string? JsonField(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(name, out var value) ? value.ToString() : null;
    }

    /// <summary>Everything that was not the expected answer, counted, with the first few shown.</summary>
    private sealed class ErrorLog(string transport)
    {
        private const int Shown = 5;
        private readonly List<string> _errors = [];
        private int _retried;

        public int Count
        {
            get
            {
                lock (_errors)
                    return _errors.Count;
            }
        }

        public void Add(string error)
        {
            lock (_errors)
                _errors.Add(error.Length <= 300 ? error : error[..300] + "…");
        }

        public void Retried() => Interlocked.Increment(ref _retried);

        public void Print()
        {
            if (_retried > 0)
                Console.WriteLine($"  {transport}: {_retried} starts or ends answered busy and retried");
            lock (_errors)
                foreach (var error in _errors.Take(Shown))
                    Console.WriteLine($"  {transport} error: {error}");
            if (Count > Shown)
                Console.WriteLine($"  {transport}: {Count - Shown} more errors");
        }
    }
}
