using System.Net;
using AudioFunctions.Audio;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>Reference 000's client flow against the real app and Azurite: start, frames, status, end.</summary>
public sealed class StreamFlowTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private AppInstance App => fixture.App;

    public static TheoryData<BodyFormat, string, int> Formats()
    {
        var data = new TheoryData<BodyFormat, string, int>();
        foreach (var body in new[] { BodyFormat.MsgPack, BodyFormat.Json })
            foreach (var format in new[] { PcmEncodingNames.S16Le, PcmEncodingNames.S24Le, PcmEncodingNames.F32Le })
                foreach (var channels in new[] { 1, 2 })
                    data.Add(body, format, channels);
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReferenceFlow_StoresEveryByteExactly_ForEachFormatAndLayout(BodyFormat body, string pcmFormat, int channels)
    {
        var client = new StreamApiClient(App.Client, body);
        var format = StreamAudioFormatParser.Parse(pcmFormat, 44_100, channels);
        var audio = TestSignals.Sine(format, seconds: 2.5);
        var trackId = $"flow-{body}-{pcmFormat}-{channels}-{Guid.NewGuid():N}";

        var start = (await client.StartAsync(trackId, pcmFormat, 44_100, channels)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(MediaTypes.ContentTypeOf(body), start.ContentType);
        Assert.Equal(480_000, start.Integer("window_samples"));
        var sessionId = start.String("session_id");

        long sent = 0;
        ApiResponse? last = null;
        foreach (var piece in TestSignals.OddPieces(audio, seed: channels * 7 + pcmFormat.Length, maxPiece: 24_000))
        {
            last = (await client.SendFrameAsync(sessionId, piece)).AssertStatus(HttpStatusCode.OK);
            sent += piece.Length;
            // Only whole sample frames count as buffered audio; a split sample waits for its other half.
            Assert.Equal(format.SecondsIn(sent), last.Number("buffered_seconds"), 9);
            Assert.Equal(0, last.Integer("windows_completed"));
        }

        var status = (await client.StatusAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(sessionId, status.String("session_id"));
        Assert.Equal(trackId, status.String("track_id"));
        Assert.Equal("active", status.String("status"));
        Assert.Equal(2.5, status.Number("buffered_seconds"), 9);
        Assert.InRange(status.Number("age_seconds"), 0, 120);

        var end = (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(trackId, end.String("track_id"));
        Assert.Equal(2.5, end.Number("duration_s"), 9);
        // 2.5 s is under the 3 s min_duration_s: no audio vector, but the metadata text is stored.
        Assert.Equal(0, end.Integer("windows_processed"));
        Assert.True(end.Boolean("text_stored"));
        Assert.False(end.Boolean("audio_stored"));

        Assert.Equal("completed", (await client.StatusAsync(sessionId)).String("status"));
        Assert.Equal(audio, await StoredAudio.ReadAsync(App.Services, sessionId));
        // With no faults nothing uncommitted was written: the raw blobs are exactly the audio too.
        Assert.Equal(audio, await StoredAudio.ReadRawBlobsAsync(App.Services, sessionId));
    }

    [Fact]
    public async Task Frames_JoinSamplesSplitAcrossFrames_ForOneByteFrames()
    {
        var client = new StreamApiClient(App.Client);
        var format = new StreamAudioFormat(PcmEncoding.S24Le, 8_000, 2);
        var audio = TestSignals.Sine(format, seconds: 0.01); // 80 frames of 6 bytes
        var sessionId = await client.StartSessionAsync("one-byte-" + Guid.NewGuid().ToString("N"), PcmEncodingNames.S24Le, 8_000, 2);

        for (var i = 0; i < audio.Length; i++)
        {
            var ack = (await client.SendFrameAsync(sessionId, audio.AsMemory(i, 1), seq: i)).AssertStatus(HttpStatusCode.OK);
            Assert.Equal((i + 1) / 6 / 8_000.0, ack.Number("buffered_seconds"), 12);
            Assert.Equal(i + 1, ack.Integer("next_seq"));
        }
        Assert.Equal(0.01, (await client.EndAsync(sessionId)).Number("duration_s"), 12);
        Assert.Equal(audio, await StoredAudio.ReadAsync(App.Services, sessionId));
    }

    [Fact]
    public async Task End_CountsOnlyWholeSampleFrames_WhenTheStreamStopsMidSample()
    {
        var client = new StreamApiClient(App.Client);
        var format = new StreamAudioFormat(PcmEncoding.F32Le, 48_000, 2);
        var audio = TestSignals.Sine(format, seconds: 1);
        var sessionId = await client.StartSessionAsync("mid-sample-" + Guid.NewGuid().ToString("N"), PcmEncodingNames.F32Le, 48_000, 2);

        (await client.SendFrameAsync(sessionId, audio)).AssertStatus(HttpStatusCode.OK);
        (await client.SendFrameAsync(sessionId, new byte[] { 1, 2, 3, 4, 5 })).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(1.0, (await client.EndAsync(sessionId)).Number("duration_s"), 12);
        Assert.Equal(audio.Length + 5, (await StoredAudio.ReadAsync(App.Services, sessionId)).Length);
    }

    [Fact]
    public async Task Frames_AcceptAnyRateUpTo384kHz_AndReportDurationAtThatRate()
    {
        var client = new StreamApiClient(App.Client);
        var sessionId = await client.StartSessionAsync("rate-" + Guid.NewGuid().ToString("N"), PcmEncodingNames.S16Le, 11_025, 1);
        (await client.SendFrameAsync(sessionId, new byte[11_025 * 2 * 3])).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(3.0, (await client.EndAsync(sessionId)).Number("duration_s"), 12);
    }
}
