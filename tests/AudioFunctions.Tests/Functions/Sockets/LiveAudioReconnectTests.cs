using System.Net;
using System.Text.Json.Nodes;
using AudioFunctions.Audio;
using AudioFunctions.Sessions;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// A live session outlives its connections: a client whose socket drops (no close handshake) or
/// whose server instance restarts reconnects to <c>/api/ws/audio/{id}</c>, resends what was not
/// acknowledged, and the session's WAV holds exactly the audio sent. A session nobody reconnects to
/// expires after the inactivity timeout.
/// </summary>
public sealed class LiveAudioReconnectTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly StreamAudioFormat Format = new(PcmEncoding.S16Le, 44_100, 2);
    private const string Query = "sample_rate=44100&channels=2&format=wav";

    [Fact]
    public async Task DroppedSocket_ReconnectAndResendAfterTheLastAck_StoresExactlyTheAudioSent()
    {
        var app = fixture.App;
        var wav = Wav(TestSignals.Sine(Format, seconds: 2.5, frequencyHz: 330));
        var chunks = TestSignals.OddPieces(wav, seed: 21, maxPiece: 12_000).ToArray();
        var dropAfter = chunks.Length / 3;

        var (first, sessionId) = await LiveAudioClient.OpenSessionAsync(app, Query);
        await using (first)
        {
            for (var i = 0; i < dropAfter; i++)
                AssertAck(await first.SendChunkAsync(chunks[i]), sessionId, i + 1);
            first.Abort();
        }

        // No greeting on a reconnect: the first message is the ack of the first chunk, counted on.
        await using var second = await LiveAudioClient.ConnectAsync(app, "/" + sessionId);
        for (var i = dropAfter; i < chunks.Length; i++)
            AssertAck(await second.SendChunkAsync(chunks[i]), sessionId, i + 1);
        var closed = await second.CloseSessionAsync();
        Assert.Equal("completed", (string)closed["status"]!);
        Assert.Equal(chunks.Length, (long)closed["session_info"]!["total_chunks"]!);
        Assert.Equal(1000, (await second.ReceiveCloseAsync()).Code);

        Assert.Equal(wav, await SessionWav.ReadAsync(app.Services, sessionId));
    }

    [Fact]
    public async Task DroppedSocket_WithAChunkInFlight_StoresItWholeOrNotAtAll_AndTheSessionInfoSaysWhich()
    {
        var app = fixture.App;
        var wav = Wav(TestSignals.Sine(Format, seconds: 2, frequencyHz: 523));
        var chunks = TestSignals.OddPieces(wav, seed: 22, maxPiece: 30_000).ToArray();
        var acked = chunks.Length / 2;

        var (first, sessionId) = await LiveAudioClient.OpenSessionAsync(app, Query);
        await using (first)
        {
            for (var i = 0; i < acked; i++)
                AssertAck(await first.SendChunkAsync(chunks[i]), sessionId, i + 1);
            // The next chunk goes out and the connection drops before its ack can come back.
            await first.SendAudioAsync(chunks[acked]);
            first.Abort();
        }

        // Once the server has let the dropped connection go, its last message is settled either way.
        Assert.True(await PipelineProbe.EventuallyAsync(
            async () => (await StoredAudio.RecordAsync(app.Services, sessionId)).Connections.Count == 0, TimeSpan.FromSeconds(30)),
            "the server did not release the dropped connection");
        var info = await InfoAsync(app, sessionId);
        Assert.Equal("active", (string)info["status"]!);
        var stored = (int)(long)info["total_chunks"]!;
        Assert.InRange(stored, acked, acked + 1);

        await using var second = await LiveAudioClient.ConnectAsync(app, "/" + sessionId);
        for (var i = stored; i < chunks.Length; i++)
            AssertAck(await second.SendChunkAsync(chunks[i]), sessionId, i + 1);
        Assert.Equal("completed", (string)(await second.CloseSessionAsync())["status"]!);

        Assert.Equal(wav, await SessionWav.ReadAsync(app.Services, sessionId));
    }

    [Fact]
    public async Task Reconnect_AfterTheAppRestarted_FinishesTheSessionOnTheNewInstance()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        var wav = Wav(TestSignals.Sine(Format, seconds: 2.5, frequencyHz: 262));
        var chunks = TestSignals.OddPieces(wav, seed: 23, maxPiece: 16_000).ToArray();
        var half = chunks.Length / 2;

        string sessionId;
        await using (var before = await AppInstance.StartAsync(azurite, prefix))
        {
            var (client, id) = await LiveAudioClient.OpenSessionAsync(before, Query);
            sessionId = id;
            await using (client)
            {
                for (var i = 0; i < half; i++)
                    AssertAck(await client.SendChunkAsync(chunks[i]), sessionId, i + 1);
                // The instance goes away under the open connection.
                await before.StopAsync();
                client.Abort();
            }
        }

        await using var after = await AppInstance.StartAsync(azurite, prefix);
        var info = await InfoAsync(after, sessionId);
        Assert.Equal("active", (string)info["status"]!);
        Assert.Equal(half, (long)info["total_chunks"]!);

        await using var resumed = await LiveAudioClient.ConnectAsync(after, "/" + sessionId);
        for (var i = half; i < chunks.Length; i++)
            AssertAck(await resumed.SendChunkAsync(chunks[i]), sessionId, i + 1);
        var closed = await resumed.CloseSessionAsync();
        Assert.Equal("completed", (string)closed["status"]!);
        Assert.Equal(2.5, (double)closed["session_info"]!["duration_seconds"]!, 9);

        Assert.Equal(wav, await SessionWav.ReadAsync(after.Services, sessionId));
    }

    [Fact]
    public async Task DroppedSocket_LeavesTheSessionActive_UntilTheInactivityTimeoutExpiresIt()
    {
        var settings = new Dictionary<string, string?>
        {
            // Long enough to look at the session after the drop, even on a busy machine.
            ["INSIGHT_STREAM__SESSION_TIMEOUT_S"] = "8",
            ["INSIGHT_STREAM__SWEEP_INTERVAL_S"] = "0.2",
        };
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), settings);
        var chunks = TestSignals.OddPieces(Wav(TestSignals.Sine(Format, seconds: 0.5)), seed: 24, maxPiece: 20_000).Take(3).ToArray();

        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(app, Query);
        await using (client)
        {
            for (var i = 0; i < chunks.Length; i++)
                AssertAck(await client.SendChunkAsync(chunks[i]), sessionId, i + 1);
            client.Abort();
        }

        // The server has seen the drop (the connection is released) and the session goes on without it.
        Assert.True(await PipelineProbe.EventuallyAsync(
            async () => (await StoredAudio.RecordAsync(app.Services, sessionId)).Connections.Count == 0, TimeSpan.FromSeconds(5)),
            "the server did not release the dropped connection");
        var info = await InfoAsync(app, sessionId);
        Assert.Equal("active", (string)info["status"]!);
        Assert.Null(info["reason"]);
        Assert.Equal(chunks.Length, (long)info["total_chunks"]!);

        // Read the record itself (no request touches the session) until the sweep expires it.
        StreamSession record = await StoredAudio.RecordAsync(app.Services, sessionId);
        Assert.True(await PipelineProbe.EventuallyAsync(async () =>
        {
            record = await StoredAudio.RecordAsync(app.Services, sessionId);
            return record.Status != SessionStatus.Active;
        }, TimeSpan.FromSeconds(30)), "the idle session did not expire");
        Assert.Equal(SessionStatus.Aborted, record.Status);
        Assert.Equal(SessionReasons.Expired, record.Reason);

        info = await InfoAsync(app, sessionId);
        Assert.Equal("expired", (string)info["status"]!);
        Assert.True(await PipelineProbe.EventuallyAsync(
            async () => await StoredAudio.CountBlobsAsync(app.Services, sessionId) == 0, TimeSpan.FromSeconds(10)),
            "the expired session's audio was not removed");

        // Too late to reconnect: the socket is accepted, then closed with 1008 and why.
        await using var late = await LiveAudioClient.ConnectAsync(app, "/" + sessionId);
        var (code, reason) = await late.ReceiveCloseAsync();
        Assert.Equal(1008, code);
        Assert.Contains("expired", reason);
    }

    private static void AssertAck(JsonObject ack, string sessionId, long chunkCount)
    {
        Assert.True((string?)ack["message"] == "Chunk processed successfully", $"not an ack: {ack}");
        Assert.Equal(sessionId, (string)ack["session_id"]!);
        Assert.Equal(chunkCount, (long)ack["chunk_count"]!);
        Assert.Equal("active", (string)ack["status"]!);
    }

    private static async Task<JsonObject> InfoAsync(AppInstance app, string sessionId)
    {
        using var response = await app.Client.GetAsync($"/api/audio/sessions/{sessionId}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"session info answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static byte[] Wav(byte[] pcm)
    {
        var wav = new byte[WavHeaderWriter.HeaderBytes(pcm.Length) + pcm.Length];
        pcm.CopyTo(wav, WavHeaderWriter.Write(Format, pcm.Length, wav));
        return wav;
    }
}
