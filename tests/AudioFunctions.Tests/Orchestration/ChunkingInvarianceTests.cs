using System.Net;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Orchestration;

/// <summary>
/// However a client cuts its stream into frames (and so wherever the window steps happen to split
/// the audio), the windows, their vectors and the track vector come out bit-identical.
/// </summary>
public sealed class ChunkingInvarianceTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private AppInstance App => fixture.App;

    [Fact]
    public async Task WindowVectors_AreIdentical_ForOneMebibyteAndOddSizedFrames()
    {
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 44_100, 2);
        var audio = Mix(TestSignals.Sine(format, seconds: 25, frequencyHz: 220), TestSignals.Sine(format, seconds: 25, frequencyHz: 1_375));

        var big = await StreamAsync(audio, Chunks(audio, 1024 * 1024), format);
        var odd = await StreamAsync(audio, TestSignals.OddPieces(audio, seed: 21, maxPiece: 70_001), format);

        Assert.Equal(3, big.Length);
        Assert.Equal(big.Length, odd.Length);
        for (var w = 0; w < big.Length; w++)
            Assert.Equal(big[w], odd[w]);
    }

    [Fact]
    public async Task WindowVectors_AreIdentical_ForOneByteFrames()
    {
        // One-byte frames cost a request each, so this stream is short and slow: 3.2 s of 500 Hz mono.
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 500, 1);
        var audio = TestSignals.Sine(format, seconds: 3.2, frequencyHz: 97);

        var whole = await StreamAsync(audio, [audio], format);
        var bytes = await StreamAsync(audio, Chunks(audio, 1), format);

        Assert.Single(whole);
        Assert.Equal(whole[0], bytes[0]);
    }

    private async Task<float[][]> StreamAsync(byte[] audio, IEnumerable<ReadOnlyMemory<byte>> frames, StreamAudioFormat format)
    {
        var client = new StreamApiClient(App.Client);
        var sessionId = await client.StartSessionAsync("chunks-" + Guid.NewGuid().ToString("N"),
            format.Encoding.ToWireName(), format.SampleRateHz, format.Channels);
        long seq = 0;
        foreach (var frame in frames)
            (await client.SendFrameAsync(sessionId, frame, seq++)).AssertStatus(HttpStatusCode.OK);
        // The vectors are the point here, not how fast they come: on a machine saturated by the rest of the
        // suite the track may take longer than end waits (202), and end is idempotent, so it is asked again.
        var ended = await client.EndAsync(sessionId);
        for (var deadline = DateTime.UtcNow.AddMinutes(3); ended.Status == HttpStatusCode.Accepted && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(500);
            ended = await client.EndAsync(sessionId);
        }
        var windows = (int)ended.AssertStatus(HttpStatusCode.OK).Integer("windows_processed");
        Assert.Equal(audio, await StoredAudio.ReadAsync(App.Services, sessionId));
        var vectors = await PipelineProbe.WindowVectorsAsync(App.Services, sessionId, windows);
        return [.. vectors.Select(v => v ?? throw new Xunit.Sdk.XunitException("a window has no vector"))];
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Chunks(byte[] data, int size)
    {
        for (var offset = 0; offset < data.Length; offset += size)
            yield return data.AsMemory(offset, Math.Min(size, data.Length - offset));
    }

    private static byte[] Mix(byte[] a, byte[] b)
    {
        var mixed = new byte[a.Length];
        for (var i = 0; i < a.Length; i += 2)
        {
            var sum = (BitConverter.ToInt16(a, i) + BitConverter.ToInt16(b, i)) / 2;
            BitConverter.TryWriteBytes(mixed.AsSpan(i, 2), (short)sum);
        }
        return mixed;
    }
}
