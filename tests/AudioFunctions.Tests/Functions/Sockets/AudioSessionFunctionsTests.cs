using System.Net;
using System.Text.Json.Nodes;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;
using static AudioFunctions.Tests.Functions.Sockets.LiveAudioExpectations;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// The live API's HTTP session endpoints serve every session, whichever way its audio came in: a
/// session of the HTTP stream API gets its WAV too, and its information names it.
/// </summary>
public sealed class AudioSessionFunctionsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly StreamAudioFormat Format = new(PcmEncoding.S16Le, 44_100, 2);

    private AppInstance App => fixture.App;

    [Fact]
    public async Task HttpStreamSession_GetsItsWav_NamedByItsSessionInformation()
    {
        var api = new StreamApiClient(App.Client);
        var trackId = "http-wav-" + Guid.NewGuid().ToString("N");
        var sessionId = await api.StartSessionAsync(trackId);
        var pcm = TestSignals.Sine(Format, seconds: 3.3);
        var pieces = TestSignals.OddPieces(pcm, seed: 4, maxPiece: 90_000).ToList();
        foreach (var piece in pieces)
            (await api.SendFrameAsync(sessionId, piece)).AssertStatus(HttpStatusCode.OK);

        var active = await InfoAsync(App, sessionId);
        Assert.Equal("active", (string?)active["status"]);
        Assert.Null(active["file_path"]);
        Assert.Null(active["user_id"]);
        Assert.Equal(trackId, (string?)active["track_id"]);
        Assert.Equal("pcm_s16_le", (string?)active["format"]);

        (await api.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        var info = await InfoAsync(App, sessionId);
        Assert.Equal("completed", (string?)info["status"]);
        Assert.Equal(pieces.Count, (long?)info["total_chunks"]);
        Assert.Equal(pcm.Length, (long?)info["total_bytes"]);
        Assert.Equal(3.3, (double)info["duration_seconds"]!, 9);
        Assert.Equal(44_100, (long?)info["sample_rate"]);
        Assert.Equal(2, (long?)info["channels"]);
        var filePath = (string?)info["file_path"];
        Assert.EndsWith($"/{sessionId}.wav", filePath);
        Assert.StartsWith("http://127.0.0.1:", filePath);
        var wav = new byte[WavHeaderWriter.HeaderBytes(pcm.Length) + pcm.Length];
        pcm.CopyTo(wav, WavHeaderWriter.Write(Format, pcm.Length, wav));
        Assert.Equal(wav, await SessionWav.ReadAsync(App.Services, sessionId));

        // Closing it through the live API's endpoint now changes nothing and says so.
        using var close = await App.Client.PostAsync($"/api/audio/sessions/{sessionId}/close", null);
        var closed = JsonNode.Parse(await close.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        Assert.True((bool?)closed["success"]);
        Assert.Equal("Session closed", (string?)closed["message"]);
        Assert.Equal(info.ToJsonString(), closed["session_info"]!.ToJsonString());
    }
}
