using System.Net;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Tests.Infrastructure;
using static AudioFunctions.Tests.Functions.Sockets.LiveAudioExpectations;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// The service's limits as a live client meets them (reference 001): the session limit shared with
/// the HTTP stream API (1013), the longest a session may run (1008, the session is closed with its
/// audio), and the idle timeout of a connection (1008, the session stays). Each test runs its own
/// app, since each limit would get in the way of any other test.
/// </summary>
public sealed class LiveAudioLimitTests
{
    private static readonly StreamAudioFormat Mono16k = new(PcmEncoding.S16Le, 16_000, 1);

    private static async Task<AppInstance> StartAsync(string key, string value) =>
        await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), new Dictionary<string, string?> { [key] = value });

    [Fact]
    public async Task SessionLimit_FilledByHttpSessions_RefusesANewLiveSessionWith1013_AndViceVersa()
    {
        await using var app = await StartAsync("INSIGHT_STREAM__MAX_SESSIONS", "2");
        var http = new StreamApiClient(app.Client);
        var httpFirst = await http.StartSessionAsync("limit-a-" + Guid.NewGuid().ToString("N"));
        var httpSecond = await http.StartSessionAsync("limit-b-" + Guid.NewGuid().ToString("N"));
        var full = await SessionCountsAsync(app);
        Assert.Equal((2, 2), full);

        await using (var refused = await LiveAudioClient.ConnectAsync(app, "?format=pcm_s16_le"))
            await AssertRefusedAsync(refused, TryAgainLater, "limit of 2 active sessions");
        Assert.Equal(full, await SessionCountsAsync(app));

        // A slot freed by the HTTP API is one a live client can take...
        (await http.EndAsync(httpFirst)).AssertStatus(HttpStatusCode.OK);
        var (live, _) = await LiveAudioClient.OpenSessionAsync(app, "format=pcm_s16_le");
        await using var liveConnection = live;
        // ...and then the live session counts against HTTP starts, as a second live one does.
        (await http.StartAsync("limit-c-" + Guid.NewGuid().ToString("N")))
            .AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.SessionLimitReached, "limit of 2 active sessions");
        (await http.AbortAsync(httpSecond)).AssertStatus(HttpStatusCode.OK);
        var (live2, live2Id) = await LiveAudioClient.OpenSessionAsync(app, "format=pcm_s16_le");
        await using var live2Connection = live2;
        var filledLive = await SessionCountsAsync(app);

        (await http.StartAsync("limit-d-" + Guid.NewGuid().ToString("N")))
            .AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.SessionLimitReached, "limit of 2 active sessions");
        await using (var refused = await LiveAudioClient.ConnectAsync(app, "?format=pcm_s16_le"))
            await AssertRefusedAsync(refused, TryAgainLater, "limit of 2 active sessions");
        Assert.Equal(filledLive, await SessionCountsAsync(app));

        // Closing a live session frees its slot for the HTTP API.
        Assert.Equal("completed", (string?)(await live.CloseSessionAsync())["status"]);
        await http.StartSessionAsync("limit-e-" + Guid.NewGuid().ToString("N"));
        AssertAck(await live2.SendChunkAsync(new byte[2]), live2Id, 1);
    }

    [Fact]
    public async Task MaxSessionDuration_PassedBeforeAChunk_ClosesTheSessionWithItsAudio_AndTheConnectionWith1008()
    {
        const double maxSeconds = 2;
        await using var app = await StartAsync("INSIGHT_STREAM__MAX_SESSION_DURATION_S", "2");
        // A first session takes the app's cold start (containers created, code loaded), so that the
        // session under test gets its first chunk in well within its time.
        var (warmUp, _) = await LiveAudioClient.OpenSessionAsync(app, "format=pcm_s16_le");
        await warmUp.DisposeAsync();
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(app, "format=pcm_s16_le&sample_rate=16000&channels=1");
        await using var _ = client;
        var kept = TestSignals.Sine(Mono16k, 0.5);
        AssertAck(await client.SendChunkAsync(kept), sessionId, 1);
        var createdAt = (await StoredAudio.RecordAsync(app.Services, sessionId)).CreatedAt;
        var left = createdAt + TimeSpan.FromSeconds(maxSeconds + 0.2) - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
            await Task.Delay(left);

        var reply = await client.SendChunkAsync(TestSignals.Sine(Mono16k, 0.25));

        AssertErrorReply(reply, sessionId, ErrorCodes.SessionTooLong, "the longest a session may run (2 s)");
        Assert.Equal("Session reached its maximum duration and was closed", (string?)reply["message"]);
        Assert.Equal(1, (long?)reply["chunk_count"]);
        await AssertClosedAsync(client, PolicyViolation, "the longest a session may run (2 s)");

        var info = await InfoAsync(app, sessionId);
        Assert.Equal("completed", (string?)info["status"]);
        Assert.Equal(1, (long?)info["total_chunks"]);
        Assert.Equal(0.5, (double)info["duration_seconds"]!, 9);
        Assert.EndsWith($"/{sessionId}.wav", (string?)info["file_path"]);
        var wav = new byte[WavHeaderWriter.HeaderBytes(kept.Length) + kept.Length];
        kept.CopyTo(wav, WavHeaderWriter.Write(Mono16k, kept.Length, wav));
        Assert.Equal(wav, await SessionWav.ReadAsync(app.Services, sessionId));

        // The session is over for every connection.
        await using var late = await LiveAudioClient.ConnectAsync(app, "/" + sessionId);
        await AssertRefusedAsync(late, PolicyViolation, "has ended");
    }

    [Fact]
    public async Task MaxSessionDuration_PassedWhileDisconnected_ClosesTheSessionWithItsAudio_WhenAClientRejoins()
    {
        const double maxSeconds = 2;
        await using var app = await StartAsync("INSIGHT_STREAM__MAX_SESSION_DURATION_S", "2");
        var (warmUp, _) = await LiveAudioClient.OpenSessionAsync(app, "format=pcm_s16_le");
        await warmUp.DisposeAsync();
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(app, "format=pcm_s16_le&sample_rate=16000&channels=1");
        var kept = TestSignals.Sine(Mono16k, 0.5);
        AssertAck(await client.SendChunkAsync(kept), sessionId, 1);
        client.Abort();
        await client.DisposeAsync();
        var createdAt = (await StoredAudio.RecordAsync(app.Services, sessionId)).CreatedAt;
        var left = createdAt + TimeSpan.FromSeconds(maxSeconds + 0.2) - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
            await Task.Delay(left);

        await using (var rejoin = await LiveAudioClient.ConnectAsync(app, "/" + sessionId))
            await AssertRefusedAsync(rejoin, PolicyViolation, "the longest a session may run (2 s)");

        // Refused, but not stranded: the session is closed with the audio it took.
        var info = await InfoAsync(app, sessionId);
        Assert.Equal("completed", (string?)info["status"]);
        Assert.Equal(0.5, (double)info["duration_seconds"]!, 9);
        var wav = new byte[WavHeaderWriter.HeaderBytes(kept.Length) + kept.Length];
        kept.CopyTo(wav, WavHeaderWriter.Write(Mono16k, kept.Length, wav));
        Assert.Equal(wav, await SessionWav.ReadAsync(app.Services, sessionId));
    }

    [Fact]
    public async Task IdleConnection_IsClosedWith1008AfterTheTimeout_AndTheSessionStaysActive()
    {
        await using var app = await StartAsync("LIVE_AUDIO__CONNECTION_TIMEOUT_SECONDS", "1");
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(app, "format=pcm_s16_le&sample_rate=16000&channels=1");
        await using var _ = client;
        var first = TestSignals.Sine(Mono16k, 0.1);
        AssertAck(await client.SendChunkAsync(first), sessionId, 1);

        // Nothing more is sent: the server speaks first.
        AssertErrorReply(await client.ReceiveJsonAsync(), sessionId, ErrorCodes.ConnectionIdle, "No message for 1 s", "reconnect");
        await AssertClosedAsync(client, PolicyViolation, "No message for 1 s");

        var info = await InfoAsync(app, sessionId);
        Assert.Equal("active", (string?)info["status"]);
        Assert.Equal(1, (long?)info["total_chunks"]);
        Assert.True(await PipelineProbe.EventuallyAsync(
            async () => (await StoredAudio.RecordAsync(app.Services, sessionId)).Connections.Count == 0, TimeSpan.FromSeconds(10)));
        await using var again = await LiveAudioClient.ConnectAsync(app, "/" + sessionId);
        var second = TestSignals.Sine(Mono16k, 0.1);
        AssertAck(await again.SendChunkAsync(second), sessionId, 2);
        byte[] both = [.. first, .. second];
        Assert.Equal(both, await StoredAudio.ReadAsync(app.Services, sessionId));
    }
}
