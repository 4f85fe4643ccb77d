using System.Net;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>
/// An acknowledged byte is never lost and never doubled: across app restarts, across two app
/// instances sharing one storage account, across a storage outage and after a half-done append.
/// </summary>
public sealed class StreamDurabilityTests
{
    private static readonly StreamAudioFormat Format = new(PcmEncoding.S16Le, 44_100, 2);

    [Fact]
    public async Task Restart_MidSession_KeepsStatusAndFramesWorking_AndAudioComplete()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        var audio = TestSignals.Sine(Format, seconds: 2);
        var pieces = TestSignals.OddPieces(audio, seed: 11, maxPiece: 40_000).ToArray();
        var half = pieces.Length / 2;

        string sessionId;
        await using (var first = await AppInstance.StartAsync(azurite, prefix))
        {
            var client = new StreamApiClient(first.Client);
            sessionId = await client.StartSessionAsync("restart-" + Guid.NewGuid().ToString("N"));
            for (var seq = 0; seq < half; seq++)
                (await client.SendFrameAsync(sessionId, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);
            await first.StopAsync();
        }

        await using var second = await AppInstance.StartAsync(azurite, prefix);
        var again = new StreamApiClient(second.Client);
        var status = (await again.StatusAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("active", status.String("status"));
        var sentBytes = pieces.Take(half).Sum(p => p.Length);
        Assert.Equal(Format.SecondsIn(sentBytes), status.Number("buffered_seconds"), 9);

        // The client does not know whether its last frame landed before the restart: it resends it.
        (await again.SendFrameAsync(sessionId, pieces[half - 1], half - 1)).AssertStatus(HttpStatusCode.OK);
        for (var seq = half; seq < pieces.Length; seq++)
            (await again.SendFrameAsync(sessionId, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(2.0, (await again.EndAsync(sessionId)).Number("duration_s"), 9);
        Assert.Equal(audio, await StoredAudio.ReadAsync(second.Services, sessionId));
    }

    [Fact]
    public async Task TwoInstances_AlternatingFrames_StoreTheSameAudioAsOne()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        await using var a = await AppInstance.StartAsync(azurite, prefix);
        await using var b = await AppInstance.StartAsync(azurite, prefix);
        var clients = new[] { new StreamApiClient(a.Client), new StreamApiClient(b.Client) };
        var audio = TestSignals.Sine(Format, seconds: 3);
        var pieces = TestSignals.OddPieces(audio, seed: 5, maxPiece: 20_000).ToArray();

        var sessionId = await clients[0].StartSessionAsync("two-" + Guid.NewGuid().ToString("N"));
        for (var seq = 0; seq < pieces.Length; seq++)
            (await clients[seq % 2].SendFrameAsync(sessionId, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);
        // Both instances see one session; either may end it.
        Assert.Equal(3.0, (await clients[0].StatusAsync(sessionId)).Number("buffered_seconds"), 9);
        Assert.Equal(3.0, (await clients[1].EndAsync(sessionId)).Number("duration_s"), 9);

        // The same stream through a single instance, for comparison.
        var single = await clients[0].StartSessionAsync("one-" + Guid.NewGuid().ToString("N"));
        for (var seq = 0; seq < pieces.Length; seq++)
            (await clients[0].SendFrameAsync(single, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);
        await clients[0].EndAsync(single);

        var viaTwo = await StoredAudio.ReadAsync(a.Services, sessionId);
        Assert.Equal(audio, viaTwo);
        Assert.Equal(await StoredAudio.ReadAsync(b.Services, single), viaTwo);
    }

    [Fact]
    public async Task TwoInstances_ConcurrentWritersOfOneSession_NeitherLoseNorDoubleAcknowledgedFrames()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        await using var a = await AppInstance.StartAsync(azurite, prefix);
        await using var b = await AppInstance.StartAsync(azurite, prefix);
        var clients = new[] { new StreamApiClient(a.Client), new StreamApiClient(b.Client) };
        var sessionId = await clients[0].StartSessionAsync("race-" + Guid.NewGuid().ToString("N"));

        // Frames without seq, sent at once from both sides: each acknowledged frame must be stored
        // exactly once, whole, whatever order the races settle in.
        var frames = Enumerable.Range(0, 24).Select(i => Enumerable.Repeat((byte)(i + 1), 1000 + i).ToArray()).ToArray();
        var answers = await Task.WhenAll(frames.Select((frame, i) => clients[i % 2].SendFrameAsync(sessionId, frame)));
        var acknowledged = frames.Where((_, i) => answers[i].Status == HttpStatusCode.OK).ToList();
        foreach (var refused in answers.Where(r => r.Status != HttpStatusCode.OK))
            refused.AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.SessionBusy);
        Assert.NotEmpty(acknowledged);

        var stored = await StoredAudio.ReadAsync(a.Services, sessionId);
        Assert.Equal(acknowledged.Sum(f => f.Length), stored.Length);
        var runs = new List<byte[]>();
        for (var offset = 0; offset < stored.Length;)
        {
            var frame = frames[stored[offset] - 1];
            Assert.Equal(frame, stored.AsSpan(offset, frame.Length).ToArray());
            runs.Add(frame);
            offset += frame.Length;
        }
        Assert.Equal(acknowledged.OrderBy(f => f[0]), runs.OrderBy(f => f[0]));
    }

    [Fact]
    public async Task UncommittedBytes_LeftByACrashedAppend_AreNeverPartOfTheStoredAudio()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var sessionId = await client.StartSessionAsync("crash-" + Guid.NewGuid().ToString("N"));
        (await client.SendFrameAsync(sessionId, new byte[] { 1, 2, 3, 4 }, 0)).AssertStatus(HttpStatusCode.OK);

        // A request appended seq 1 and died before committing the session record.
        var segments = app.Services.GetRequiredService<AudioSegmentStore>();
        var record = await StoredAudio.RecordAsync(app.Services, sessionId);
        var segment = record.Segments[^1];
        Assert.Equal(AppendOutcome.Appended, await segments.AppendAsync(sessionId, segment.Index, segment.Bytes, new byte[] { 9, 9, 9 }, default));

        // Its client retries seq 1 (with what it meant to send), then carries on.
        (await client.SendFrameAsync(sessionId, new byte[] { 5, 6 }, 1)).AssertStatus(HttpStatusCode.OK);
        (await client.SendFrameAsync(sessionId, new byte[] { 7, 8 }, 2)).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, await StoredAudio.ReadAsync(app.Services, sessionId));
        Assert.Equal(2, (await StoredAudio.RecordAsync(app.Services, sessionId)).Segments.Count);
        Assert.Equal(8 / 4 / 44_100.0, (await client.EndAsync(sessionId)).Number("duration_s"), 12);
    }

    [Fact]
    public async Task StorageDown_Answers503NotHang_AcknowledgesNothing_AndResumesWhenBack()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var audio = TestSignals.Sine(Format, seconds: 1);
        var pieces = TestSignals.OddPieces(audio, seed: 2, maxPiece: 30_000).ToArray();
        var sessionId = await client.StartSessionAsync("outage-" + Guid.NewGuid().ToString("N"));
        var half = pieces.Length / 2;
        for (var seq = 0; seq < half; seq++)
            (await client.SendFrameAsync(sessionId, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);

        await azurite.StopAsync();
        (await client.SendFrameAsync(sessionId, pieces[half], half)).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable);
        (await client.StatusAsync(sessionId)).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable);
        (await client.StartAsync("outage-other")).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable);
        (await client.EndAsync(sessionId)).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable);

        await azurite.StartAgainAsync();
        // The refused frame was not counted: the same seq is new, not a duplicate.
        var resent = (await client.SendFrameAsync(sessionId, pieces[half], half)).AssertStatus(HttpStatusCode.OK);
        Assert.False(resent.Headers.ContainsKey("X-Duplicate-Seq"));
        for (var seq = half + 1; seq < pieces.Length; seq++)
            (await client.SendFrameAsync(sessionId, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1.0, (await client.EndAsync(sessionId)).Number("duration_s"), 9);
        Assert.Equal(audio, await StoredAudio.ReadAsync(app.Services, sessionId));
    }

    [Fact]
    public async Task SegmentRollover_KeepsAudioInOrder_WhenASegmentRunsOutOfBlocks()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var sessionId = await client.StartSessionAsync("rollover-" + Guid.NewGuid().ToString("N"));
        (await client.SendFrameAsync(sessionId, new byte[] { 1, 2 })).AssertStatus(HttpStatusCode.OK);

        // Mark the open segment as holding the most blocks an append blob takes.
        var records = app.Services.GetRequiredService<SessionRecords>();
        var stored = (await records.GetAsync(sessionId, default))!.Value;
        var full = stored.Value with { Segments = [stored.Value.Segments[^1] with { Blocks = AudioSegmentStore.MaxBlocksPerSegment }] };
        Assert.NotNull(await records.TryReplaceAsync(full, stored.ETag, default));

        (await client.SendFrameAsync(sessionId, new byte[] { 3, 4 })).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, (await StoredAudio.RecordAsync(app.Services, sessionId)).Segments.Count);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, await StoredAudio.ReadAsync(app.Services, sessionId));
    }
}
