using System.Net;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Orchestration;

/// <summary>
/// The app killed outright (SIGKILL) while it is windowing and embedding a long session, then
/// started again on the same storage: the track comes out exactly as from an uninterrupted run.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly StreamAudioFormat Format = new(PcmEncoding.S16Le, 44_100, 2);

    private static readonly Dictionary<string, string> Settings = new()
    {
        // A message whose step died with the process is delivered again after this.
        ["PIPELINE__VISIBILITY_TIMEOUT_S"] = "5",
        ["PIPELINE__CONCURRENCY"] = "1",
    };

    [Fact]
    public async Task KilledMidWindowing_ThenRestarted_GivesTheSameVectors_AndEmbedsNoWindowTwice()
    {
        var azurite = await AzuriteServer.Shared;
        var audio = TestSignals.Sine(Format, seconds: 75, frequencyHz: 523.25);
        var frames = TestSignals.OddPieces(audio, seed: 4, maxPiece: 400_000).ToArray();

        // The reference: the same audio through an instance nobody disturbs.
        var reference = await StreamUninterruptedAsync(azurite, audio, frames);

        var prefix = AppInstance.NewPrefix();
        var trackId = "crash-" + Guid.NewGuid().ToString("N");
        string sessionId;
        long acknowledged = 0;
        await using (var doomed = await AppProcess.StartAsync(azurite, prefix, Settings))
        {
            var client = new StreamApiClient(doomed.Client);
            sessionId = await client.StartSessionAsync(trackId);
            foreach (var frame in frames)
            {
                (await client.SendFrameAsync(sessionId, frame, acknowledged)).AssertStatus(HttpStatusCode.OK);
                acknowledged++;
            }
            // Seven full windows are due; kill the process once the first two are embedded.
            Assert.True(await PipelineProbe.EventuallyAsync(async () => (await client.StatusAsync(sessionId)).Integer("windows_completed") >= 2, TimeSpan.FromSeconds(60)));
            doomed.Kill();
        }

        await using var revived = await AppProcess.StartAsync(azurite, prefix, Settings);
        var again = new StreamApiClient(revived.Client);
        Assert.Equal("active", (await again.StatusAsync(sessionId)).String("status"));
        // The client resends its last frame (it cannot know the answer was the last thing before the crash).
        (await again.SendFrameAsync(sessionId, frames[^1], acknowledged - 1)).AssertStatus(HttpStatusCode.OK);
        var end = (await again.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(reference.Windows, end.Integer("windows_processed"));

        var track = (await again.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(reference.TrackVector, Floats(track.Field("audio_embedding")));

        // The index holds the track once, under its own vector.
        var search = await again.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", track.Field("audio_embedding")), ("collection", WireValue.String("audio")), ("limit", WireValue.Integer(1000))));
        var ids = search.AssertStatus(HttpStatusCode.OK).Field("results").AsArray()
            .Select(r => r.TryGetProperty("track_id", out var id) ? id.AsString() : "").ToList();
        Assert.Single(ids, id => id == trackId);
    }

    private static async Task<(long Windows, float[] TrackVector)> StreamUninterruptedAsync(AzuriteServer azurite, byte[] audio, ReadOnlyMemory<byte>[] frames)
    {
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var trackId = "calm-" + Guid.NewGuid().ToString("N");
        var sessionId = await client.StartSessionAsync(trackId);
        foreach (var frame in frames)
            (await client.SendFrameAsync(sessionId, frame)).AssertStatus(HttpStatusCode.OK);
        var windows = (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK).Integer("windows_processed");
        Assert.Equal(audio, await StoredAudio.ReadAsync(app.Services, sessionId));
        var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        return (windows, Floats(track.Field("audio_embedding")));
    }

    private static float[] Floats(WireValue array) =>
        [.. array.AsArray().Select(v => v.TryGetDouble(out var d) ? (float)d : float.NaN)];
}
