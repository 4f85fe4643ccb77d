using System.Net;
using System.Numerics.Tensors;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Events;
using AudioFunctions.Orchestration;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Orchestration;

/// <summary>
/// The queue pipeline on real Azurite queues: windows cut while the stream goes on, embedded one
/// step per window, fanned in at the end into a stored, searchable track.
/// </summary>
public sealed class PipelineTests
{
    private static readonly StreamAudioFormat Format = new(PcmEncoding.S16Le, 44_100, 2);

    [Fact]
    public async Task Stream_BecomesASearchableTrack_WithWindowsCutWhileStreaming()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var trackId = "pipe-" + Guid.NewGuid().ToString("N");
        var sessionId = (await client.StartAsync(trackId, metadata: StreamApiClient.Metadata("Pipeline Song", "Pipeline Artist", genre: "Ambient")))
            .AssertStatus(HttpStatusCode.OK).String("session_id");
        var audio = TestSignals.Sine(Format, seconds: 25, frequencyHz: 330);
        var pieces = TestSignals.OddPieces(audio, seed: 9, maxPiece: 200_000).ToArray();

        foreach (var piece in pieces)
            (await client.SendFrameAsync(sessionId, piece)).AssertStatus(HttpStatusCode.OK);
        // Two full windows exist before the end: they are embedded while the session is still active.
        Assert.True(await PipelineProbe.EventuallyAsync(async () => (await client.StatusAsync(sessionId)).Integer("windows_completed") == 2, TimeSpan.FromSeconds(30)));
        Assert.Equal("active", (await client.StatusAsync(sessionId)).String("status"));

        var end = (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(25.0, end.Number("duration_s"), 9);
        Assert.Equal(3, end.Integer("windows_processed")); // 2 full windows + a 5 s tail, padded
        Assert.True(end.Boolean("audio_stored"));
        Assert.True(end.Boolean("text_stored"));

        var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        Assert.True(track.Boolean("has_audio"));
        var embedding = track.Field("audio_embedding").AsArray().Select(v => v.TryGetDouble(out var d) ? (float)d : float.NaN).ToArray();
        Assert.Equal(512, embedding.Length);
        Assert.Equal(1.0, TensorPrimitives.Norm(embedding), 4);

        // The track vector is the normalised mean of the stored window vectors.
        var windows = await PipelineProbe.WindowVectorsAsync(app.Services, sessionId, 3);
        var mean = new float[512];
        foreach (var vector in windows)
            TensorPrimitives.Add(mean, vector!, mean);
        TensorPrimitives.Divide(mean, TensorPrimitives.Norm(mean), mean);
        Assert.Equal(mean, embedding);
        Assert.Equal(3, (await PipelineProbe.WindowVectorBlobsAsync(app.Services, sessionId)).Count);

        var byText = await client.PostAsync("/api/v1/embed/text", WireValue.Map(("text", WireValue.String("pipeline artist"))));
        var search = await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", byText.AssertStatus(HttpStatusCode.OK).Field("embedding")),
            ("collection", WireValue.String("text")),
            ("limit", WireValue.Integer(5))));
        var first = search.AssertStatus(HttpStatusCode.OK).Field("results").AsArray()[0];
        Assert.True(first.TryGetProperty("track_id", out var foundId));
        Assert.Equal(trackId, foundId.AsString());

        var similar = await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", track.Field("audio_embedding")),
            ("collection", WireValue.String("audio")),
            ("limit", WireValue.Integer(3))));
        Assert.True(similar.AssertStatus(HttpStatusCode.OK).Field("results").AsArray()[0].TryGetProperty("score", out var score));
        Assert.True(score.TryGetDouble(out var s) && s > 0.999);
    }

    [Fact]
    public async Task HalfOverlap_CutsWindowsEveryFiveSeconds()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(),
            new Dictionary<string, string?> { ["PIPELINE__HOP_S"] = "5" });
        var client = new StreamApiClient(app.Client);
        var sessionId = await client.StartSessionAsync("hop-" + Guid.NewGuid().ToString("N"));
        var audio = TestSignals.Sine(Format, seconds: 25);
        (await client.SendFrameAsync(sessionId, audio.AsMemory(0, audio.Length / 2))).AssertStatus(HttpStatusCode.OK);
        (await client.SendFrameAsync(sessionId, audio.AsMemory(audio.Length / 2))).AssertStatus(HttpStatusCode.OK);

        var end = (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        // Windows start at 0, 5, 10 and 15 s; the last ends at 25 s, so no tail is left.
        Assert.Equal(4, end.Integer("windows_processed"));
        Assert.Equal(4, (await PipelineProbe.CheckpointAsync(app.Services, sessionId))!.WindowsCut);
    }

    [Theory]
    [InlineData(2.0, 3.0, 0, false)]   // shorter than min_duration_s: no audio vector
    [InlineData(3.5, 3.0, 1, true)]    // one zero-padded window
    [InlineData(12.0, 3.0, 1, true)]   // 2 s tail is too short for a window of its own
    [InlineData(12.0, 1.0, 2, true)]   // ...unless the client lowers min_duration_s
    public async Task Tail_IsPaddedIntoAWindow_OnlyWhenAtLeastMinDuration(double seconds, double minDuration, int windows, bool audioStored)
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var sessionId = await client.StartSessionAsync("tail-" + Guid.NewGuid().ToString("N"));
        (await client.SendFrameAsync(sessionId, TestSignals.Sine(Format, seconds))).AssertStatus(HttpStatusCode.OK);

        var end = (await client.EndAsync(sessionId, minDurationSeconds: minDuration)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(windows, end.Integer("windows_processed"));
        Assert.Equal(audioStored, end.Boolean("audio_stored"));
        Assert.True(end.Boolean("text_stored"));
    }

    [Fact]
    public async Task NonFiniteSamples_AreStoredAsSent_ButEmbeddedAsSilence_AndCounted()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var trackId = "nan-" + Guid.NewGuid().ToString("N");
        var sessionId = await client.StartSessionAsync(trackId, "pcm_f32_le", 48_000, 2);
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(TestSignals.Sine(new StreamAudioFormat(PcmEncoding.F32Le, 48_000, 2), seconds: 10.5).AsSpan()).ToArray();
        for (var i = 0; i < samples.Length; i += 997)
            samples[i] = (i / 997 % 3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
        var replaced = (samples.Length + 996) / 997;
        var pcm = System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
        (await client.SendFrameAsync(sessionId, pcm)).AssertStatus(HttpStatusCode.OK);

        var end = (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.True(end.Boolean("audio_stored"));
        // The bytes are kept exactly as acknowledged; only the analysis sees silence in their place.
        Assert.Equal(pcm, await StoredAudio.ReadAsync(app.Services, sessionId));
        Assert.Equal(replaced, (await PipelineProbe.CheckpointAsync(app.Services, sessionId))!.NonFiniteSamples);
        var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        Assert.All(track.Field("audio_embedding").AsArray(), v => Assert.True(v.TryGetDouble(out var d) && double.IsFinite(d)));
    }

    [Fact]
    public async Task StoreFalse_EmbedsButStoresNoTrack()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var trackId = "nostore-" + Guid.NewGuid().ToString("N");
        var sessionId = await client.StartSessionAsync(trackId);
        (await client.SendFrameAsync(sessionId, TestSignals.Sine(Format, seconds: 11))).AssertStatus(HttpStatusCode.OK);

        var end = (await client.EndAsync(sessionId, store: false)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, end.Integer("windows_processed"));
        Assert.False(end.Boolean("audio_stored"));
        Assert.False(end.Boolean("text_stored"));
        (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}")).AssertError(HttpStatusCode.NotFound, ErrorCodes.TrackNotFound);
    }

    [Fact]
    public async Task End_Answers202WithTheStatusUrl_WhenFinalizingOutlastsTheWait()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(),
            new Dictionary<string, string?> { ["PIPELINE__END_WAIT_S"] = "0" });
        var client = new StreamApiClient(app.Client);
        var sessionId = await client.StartSessionAsync("wait-" + Guid.NewGuid().ToString("N"));
        (await client.SendFrameAsync(sessionId, TestSignals.Sine(Format, seconds: 4))).AssertStatus(HttpStatusCode.OK);

        var end = (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal("finalizing", end.String("status"));
        Assert.Equal($"/api/v1/stream/{sessionId}/status", end.String("status_url"));
        Assert.True(await PipelineProbe.EventuallyAsync(async () => (await client.StatusAsync(sessionId)).String("status") == "completed", TimeSpan.FromSeconds(30)));
        // Ending again answers the stored result.
        Assert.Equal(1, (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK).Integer("windows_processed"));
    }

    [Fact]
    public async Task FailingStep_GoesToPoisonAfterItsLastDelivery_AndTheSessionToError()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(),
            new Dictionary<string, string?> { ["PIPELINE__MAX_DEQUEUE_COUNT"] = "2", ["PIPELINE__RETRY_DELAY_S"] = "0.1" });
        var client = new StreamApiClient(app.Client);
        var sessionId = await client.StartSessionAsync("poison-" + Guid.NewGuid().ToString("N"));

        // An embed step for a window that was never cut can never succeed.
        await app.Services.GetRequiredService<WorkQueues>().EnqueueAsync(new StepMessage(PipelineStep.Embed, sessionId, 7), default);

        Assert.True(await PipelineProbe.EventuallyAsync(async () => (await client.StatusAsync(sessionId)).String("status") == "error", TimeSpan.FromSeconds(30)));
        var status = await client.StatusAsync(sessionId);
        Assert.Contains("embed step failed after 2 attempts", status.String("reason"));
        Assert.Contains("Window 7", status.String("reason"));
        Assert.Equal(1, await PipelineProbe.PoisonCountAsync(app.Services, PipelineStep.Embed));
        (await client.SendFrameAsync(sessionId, new byte[] { 1, 2, 3, 4 })).AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionEnded);
    }

    [Fact]
    public async Task Events_DescribeTheSessionsLife_AsCloudEventsThatNeverCarryAudio()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var trackId = "events-" + Guid.NewGuid().ToString("N");
        var sessionId = await client.StartSessionAsync(trackId);
        (await client.SendFrameAsync(sessionId, TestSignals.Sine(Format, seconds: 6), seq: 0)).AssertStatus(HttpStatusCode.OK);
        (await client.SendFrameAsync(sessionId, TestSignals.Sine(Format, seconds: 5), seq: 1)).AssertStatus(HttpStatusCode.OK);
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        var aborted = await client.StartSessionAsync("events-aborted-" + Guid.NewGuid().ToString("N"));
        await client.AbortAsync(aborted);

        var expected = new[] { EventTypes.SessionStarted, EventTypes.ChunkReceived, EventTypes.WindowEmbedded, EventTypes.TrackStored, EventTypes.SessionCompleted, EventTypes.SessionAborted };
        List<System.Text.Json.JsonElement> events = [];
        Assert.True(await PipelineProbe.EventuallyAsync(async () =>
        {
            events.AddRange(await PipelineProbe.EventsAsync(app.Services));
            return expected.All(type => events.Any(e => e.GetProperty("type").GetString() == type));
        }, TimeSpan.FromSeconds(20)));

        foreach (var e in events)
        {
            Assert.Equal("1.0", e.GetProperty("specversion").GetString());
            Assert.Equal("/audiofunctions", e.GetProperty("source").GetString());
            Assert.True(Guid.TryParse(e.GetProperty("id").GetString(), out _));
            Assert.Equal("application/json", e.GetProperty("datacontenttype").GetString());
            Assert.True(e.GetRawText().Length < 2048, "an event is a small pointer, never audio");
        }
        var chunks = events.Where(e => e.GetProperty("type").GetString() == EventTypes.ChunkReceived
            && e.GetProperty("data").GetProperty("session_id").GetString() == sessionId).ToList();
        Assert.Equal(2, chunks.Count);
        var second = chunks.Single(c => c.GetProperty("data").GetProperty("seq").GetInt64() == 1).GetProperty("data");
        Assert.Equal($"{sessionId}/raw/00000.pcm", second.GetProperty("blob").GetString());
        Assert.Equal(6 * 44_100 * 4, second.GetProperty("blob_offset").GetInt64());
        Assert.Equal(5 * 44_100 * 4, second.GetProperty("bytes").GetInt64());
        var stored = events.Single(e => e.GetProperty("type").GetString() == EventTypes.TrackStored);
        Assert.Equal($"tracks/{trackId}", stored.GetProperty("subject").GetString());
    }
}
