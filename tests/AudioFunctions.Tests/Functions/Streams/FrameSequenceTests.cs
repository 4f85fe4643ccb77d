using System.Net;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>Client retries with <c>?seq=N</c>: a stored seq is acknowledged and not stored twice; a gap is refused.</summary>
public sealed class FrameSequenceTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private AppInstance App => fixture.App;

    [Fact]
    public async Task Retry_OfStoredSeq_IsAcknowledgedWithoutStoringTwice()
    {
        var client = new StreamApiClient(App.Client);
        var audio = TestSignals.Sine(new StreamAudioFormat(PcmEncoding.S16Le, 44_100, 2), seconds: 1);
        var sessionId = await client.StartSessionAsync("retry-" + Guid.NewGuid().ToString("N"));
        var pieces = TestSignals.OddPieces(audio, seed: 3, maxPiece: 30_000).ToArray();

        for (var seq = 0; seq < pieces.Length; seq++)
        {
            var first = (await client.SendFrameAsync(sessionId, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);
            Assert.False(first.Headers.ContainsKey("X-Duplicate-Seq"));
            // The client lost the answer and sends the same frame again, twice.
            for (var retry = 0; retry < 2; retry++)
            {
                var again = (await client.SendFrameAsync(sessionId, pieces[seq], seq)).AssertStatus(HttpStatusCode.OK);
                Assert.Equal("true", again.Headers["X-Duplicate-Seq"]);
                Assert.Equal(first.Number("buffered_seconds"), again.Number("buffered_seconds"));
                Assert.Equal(seq + 1, again.Integer("next_seq"));
            }
        }
        // An old seq, long after, is still a duplicate.
        (await client.SendFrameAsync(sessionId, pieces[0], 0)).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(1.0, (await client.EndAsync(sessionId)).Number("duration_s"), 9);
        Assert.Equal(audio, await StoredAudio.ReadAsync(App.Services, sessionId));
    }

    [Fact]
    public async Task Gap_IsRefusedWith409NamingTheExpectedSeq_AndStoresNothing()
    {
        var client = new StreamApiClient(App.Client);
        var sessionId = await client.StartSessionAsync("gap-" + Guid.NewGuid().ToString("N"));
        (await client.SendFrameAsync(sessionId, new byte[400], 0)).AssertStatus(HttpStatusCode.OK);
        (await client.SendFrameAsync(sessionId, new byte[400], 1)).AssertStatus(HttpStatusCode.OK);

        (await client.SendFrameAsync(sessionId, new byte[400], 3)).AssertError(HttpStatusCode.Conflict, ErrorCodes.SeqGap, "expected seq 2");

        var status = await client.StatusAsync(sessionId);
        Assert.Equal(800 / 4 / 44_100.0, status.Number("buffered_seconds"), 12);
        (await client.SendFrameAsync(sessionId, new byte[400], 2)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1200, (await StoredAudio.ReadAsync(App.Services, sessionId)).Length);
    }

    [Fact]
    public async Task FramesWithoutSeq_TakeTheNextSeq_SoLaterSeqFramesContinueTheCount()
    {
        var client = new StreamApiClient(App.Client);
        var sessionId = await client.StartSessionAsync("mixed-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(1, (await client.SendFrameAsync(sessionId, new byte[] { 1, 2, 3 })).Integer("next_seq"));
        Assert.Equal(2, (await client.SendFrameAsync(sessionId, new byte[] { 4 })).Integer("next_seq"));
        Assert.Equal(3, (await client.SendFrameAsync(sessionId, new byte[] { 5, 6 }, seq: 2)).Integer("next_seq"));
        (await client.SendFrameAsync(sessionId, new byte[] { 5, 6 }, seq: 1)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, await StoredAudio.ReadAsync(App.Services, sessionId));
    }
}
