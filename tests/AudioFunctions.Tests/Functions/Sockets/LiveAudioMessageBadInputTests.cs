using System.Buffers.Binary;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Tests.Infrastructure;
using static AudioFunctions.Tests.Functions.Sockets.LiveAudioExpectations;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// Bad messages on an open live connection (reference 001): oversized messages (1009), control
/// messages that are not one (an error reply, the session goes on), WAV headers that are invalid or
/// contradict the query (1008), and chunks for a session that has ended (1008). None stores audio.
/// </summary>
public sealed class LiveAudioMessageBadInputTests(LiveAudioBadInputApp fixture) : IClassFixture<LiveAudioBadInputApp>
{
    private static readonly StreamAudioFormat Mono16k = new(PcmEncoding.S16Le, 16_000, 1);

    private AppInstance App => fixture.App;

    public static TheoryData<string, string> GarbageControlMessages() => new()
    {
        { "close_session", "not JSON" },
        { "", "not JSON" },
        { """{"type":"control","action":"close_session" """, "not JSON" },
        { """["control","close_session"]""", "\"type\": \"control\"" },
        { "42", "\"type\": \"control\"" },
        { """{"action":"close_session"}""", "\"type\": \"control\"" },
        { """{"type":"Control","action":"close_session"}""", "\"type\": \"control\"" },
        { """{"type":"control"}""", "no \"action\" string; supported: close_session" },
        { """{"type":"control","action":42}""", "no \"action\" string; supported: close_session" },
        { """{"type":"control","action":"explode"}""", "Unknown control action 'explode'; supported: close_session" },
        { """{"type":"control","action":"CLOSE_SESSION"}""", "Unknown control action 'CLOSE_SESSION'; supported: close_session" },
    };

    // ================================================================ oversized messages

    [Theory]
    [InlineData(LiveAudioBadInputApp.MaxMessageBytes + 1)]
    [InlineData(100_000)]
    public async Task BinaryMessage_OverTheLimit_GetsAnErrorReplyThenClose1009_AndTheSessionKeepsGoing(int size)
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using var _ = client;
        var accepted = TestSignals.Sine(Mono16k, 0.0125); // 400 bytes
        AssertAck(await client.SendChunkAsync(accepted), sessionId, 1);

        var reply = await client.SendChunkAsync(new byte[size]);

        AssertErrorReply(reply, sessionId, ErrorCodes.FrameTooLarge, $"at most {LiveAudioBadInputApp.MaxMessageBytes} bytes");
        await AssertClosedAsync(client, MessageTooBig, $"at most {LiveAudioBadInputApp.MaxMessageBytes} bytes");
        await AssertOnlyStoredAsync(sessionId, accepted, chunks: 1);

        // The session is still active: a new connection goes on where the first left off.
        await using var again = await LiveAudioClient.ConnectAsync(App, "/" + sessionId);
        AssertAck(await again.SendChunkAsync(new byte[LiveAudioBadInputApp.MaxMessageBytes]), sessionId, 2);
    }

    [Fact]
    public async Task BinaryMessage_OverTheLimitOnlyAcrossItsFragments_IsRefusedWith1009()
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using var _ = client;

        // Each fragment is within the limit; the message they make is not.
        await client.Socket.SendAsync(new byte[600], WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        await client.Socket.SendAsync(new byte[600], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        AssertErrorReply(await client.ReceiveJsonAsync(), sessionId, ErrorCodes.FrameTooLarge, $"at most {LiveAudioBadInputApp.MaxMessageBytes} bytes");
        await AssertClosedAsync(client, MessageTooBig, $"at most {LiveAudioBadInputApp.MaxMessageBytes} bytes");
        await AssertOnlyStoredAsync(sessionId, [], chunks: 0);
    }

    [Fact]
    public async Task BinaryMessage_OfExactlyTheLimit_InFragments_IsOneAckedChunk()
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using var _ = client;
        var chunk = TestSignals.Sine(Mono16k, LiveAudioBadInputApp.MaxMessageBytes / 2 / 16_000.0);
        Assert.Equal(LiveAudioBadInputApp.MaxMessageBytes, chunk.Length);

        await client.Socket.SendAsync(chunk.AsMemory(0, 333), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        AssertAck(await client.SendChunkAsync(chunk.AsMemory(333)), sessionId, 1);

        await AssertOnlyStoredAsync(sessionId, chunk, chunks: 1);
    }

    [Fact]
    public async Task TextMessage_OverTheControlLimit_GetsAnErrorReplyThenClose1009_AndTheSessionStaysActive()
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using var _ = client;

        await client.SendTextAsync("""{"type":"control","action":"close_session","pad":" """ + new string(' ', 70_000) + "\"}");

        AssertErrorReply(await client.ReceiveJsonAsync(), sessionId, ErrorCodes.FrameTooLarge, "text message may carry at most 65536 bytes");
        await AssertClosedAsync(client, MessageTooBig, "at most 65536 bytes");
        await AssertOnlyStoredAsync(sessionId, [], chunks: 0);
    }

    // ================================================================ control messages

    [Theory]
    [MemberData(nameof(GarbageControlMessages))]
    public async Task ControlMessage_ThatIsNotOne_GetsAnErrorReply_AndTheSessionIsNotClosed(string text, string detailPart)
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using var _ = client;
        var first = TestSignals.Sine(Mono16k, 0.01);
        AssertAck(await client.SendChunkAsync(first), sessionId, 1);

        await client.SendTextAsync(text);

        var reply = AssertErrorReply(await client.ReceiveJsonAsync(), sessionId, ErrorCodes.InvalidControlMessage, detailPart);
        Assert.Equal("Invalid control message", (string?)reply["message"]);
        Assert.Equal("active", (string?)(await InfoAsync(App, sessionId))["status"]);
        // Same connection, next chunk: acknowledged in order.
        var second = TestSignals.Sine(Mono16k, 0.02);
        AssertAck(await client.SendChunkAsync(second), sessionId, 2);
        await AssertOnlyStoredAsync(sessionId, [.. first, .. second], chunks: 2);
    }

    // ================================================================ WAV headers

    [Theory]
    [InlineData("format=wav&sample_rate=44100", 48_000, 1, "The WAV header says 48000 Hz with 1 channel(s)", "sample_rate=44100")]
    [InlineData("format=wav&channels=1", 44_100, 2, "The WAV header says 44100 Hz with 2 channel(s)", "channels=1")]
    [InlineData("format=wav&sample_rate=16000&channels=2", 16_000, 1, "The WAV header says 16000 Hz with 1 channel(s)", "channels=2")]
    public async Task WavHeader_ThatContradictsTheQuery_GetsAnErrorReplyThenClose1008_AndStoresNothing(
        string query, int headerRateHz, int headerChannels, string reasonStart, string declared)
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, query);
        await using var _ = client;
        var pcm = TestSignals.Sine(new StreamAudioFormat(PcmEncoding.S16Le, headerRateHz, headerChannels), 0.005);
        var wav = new byte[WavHeaderWriter.HeaderBytes(pcm.Length) + pcm.Length];
        pcm.CopyTo(wav, WavHeaderWriter.Write(new StreamAudioFormat(PcmEncoding.S16Le, headerRateHz, headerChannels), pcm.Length, wav));

        var reply = await client.SendChunkAsync(wav);

        AssertErrorReply(reply, sessionId, ErrorCodes.FormatMismatch, reasonStart, declared);
        await AssertClosedAsync(client, PolicyViolation, reasonStart);
        await AssertOnlyStoredAsync(sessionId, [], chunks: 0);
        Assert.Empty((await StoredAudio.RecordAsync(App.Services, sessionId)).WavHeader!.Received);
    }

    public static TheoryData<string, byte[], string> InvalidWavHeaders() => new()
    {
        { "8-bit", Wav(formatTag: 1, channels: 1, sampleRateHz: 16_000, bitsPerSample: 8, audioBytes: 160), "unsupported WAV encoding: 8-bit integer PCM; supported are 16-bit or 24-bit" },
        { "A-law", Wav(formatTag: 6, channels: 1, sampleRateHz: 8_000, bitsPerSample: 8, audioBytes: 160), "unsupported WAV encoding: format tag 0x0006" },
        { "garbage after RIFF....WAVE", [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVE"u8, .. Enumerable.Repeat((byte)0xAB, 64)], "the WAV data chunk does not start within the first 65536 bytes" },
        { "data before fmt", [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVE"u8, .. "data"u8, 16, 0, 0, 0, .. new byte[16]], "the WAV data chunk comes before any fmt chunk" },
    };

    [Theory]
    [MemberData(nameof(InvalidWavHeaders))]
    public async Task WavHeader_ThatIsInvalid_GetsAnErrorReplyThenClose1008_AndStoresNothing(string name, byte[] wav, string reasonStart)
    {
        Assert.NotEmpty(name); // it only names the case in the test's display name
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=wav");
        await using var _ = client;

        // The header arrives in two chunks; the first is only held, the second completes it.
        AssertAck(await client.SendChunkAsync(wav.AsMemory(0, 5)), sessionId, 1);
        var reply = await client.SendChunkAsync(wav.AsMemory(5));

        AssertErrorReply(reply, sessionId, ErrorCodes.InvalidWavHeader, reasonStart);
        await AssertClosedAsync(client, PolicyViolation, reasonStart[..Math.Min(reasonStart.Length, 60)]);
        await AssertOnlyStoredAsync(sessionId, [], chunks: 1);
        Assert.Equal(wav[..5], (await StoredAudio.RecordAsync(App.Services, sessionId)).WavHeader!.Received);
    }

    // ================================================================ ended sessions

    [Fact]
    public async Task Chunk_ForASessionClosedMeanwhile_GetsAnErrorReplyThenClose1008_AndIsNotStored()
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using var _ = client;
        var first = TestSignals.Sine(Mono16k, 0.01);
        AssertAck(await client.SendChunkAsync(first), sessionId, 1);
        using (var close = await App.Client.PostAsync($"/api/audio/sessions/{sessionId}/close", null))
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        var before = await InfoAsync(App, sessionId);
        Assert.Equal("completed", (string?)before["status"]);

        var reply = await client.SendChunkAsync(TestSignals.Sine(Mono16k, 0.02));

        AssertErrorReply(reply, sessionId, ErrorCodes.SessionEnded, $"Session {sessionId} has ended");
        await AssertClosedAsync(client, PolicyViolation, $"Session {sessionId} has ended");
        Assert.Equal(before.ToJsonString(), (await InfoAsync(App, sessionId)).ToJsonString());
        Assert.Equal(first, await StoredAudio.ReadRawBlobsAsync(App.Services, sessionId));
    }

    [Fact]
    public async Task Chunk_ForASessionAbortedMeanwhile_GetsAnErrorReplyThenClose1008()
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using var _ = client;
        AssertAck(await client.SendChunkAsync(TestSignals.Sine(Mono16k, 0.01)), sessionId, 1);
        (await new StreamApiClient(App.Client).AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        var reply = await client.SendChunkAsync(TestSignals.Sine(Mono16k, 0.02));

        AssertErrorReply(reply, sessionId, ErrorCodes.SessionAborted, $"Session {sessionId} was aborted");
        await AssertClosedAsync(client, PolicyViolation, "was aborted");
        Assert.Equal(0, await StoredAudio.CountBlobsAsync(App.Services, sessionId));
    }

    /// <summary>The session is active, has counted <paramref name="chunks"/> chunks, and its blobs hold exactly <paramref name="audio"/>.</summary>
    private async Task AssertOnlyStoredAsync(string sessionId, byte[] audio, long chunks)
    {
        var info = await InfoAsync(App, sessionId);
        Assert.Equal("active", (string?)info["status"]);
        Assert.Equal(chunks, (long?)info["total_chunks"]);
        Assert.Equal(audio.Length, (long?)info["total_bytes"]);
        // Raw blobs whole, committed or not: nothing of a refused message was even appended.
        Assert.Equal(audio, await StoredAudio.ReadRawBlobsAsync(App.Services, sessionId));
    }

    /// <summary>A canonical 44-byte WAV header of any format tag, then <paramref name="audioBytes"/> of silence.</summary>
    private static byte[] Wav(ushort formatTag, ushort channels, int sampleRateHz, ushort bitsPerSample, int audioBytes)
    {
        var wav = new byte[44 + audioBytes];
        var blockAlign = (ushort)(channels * bitsPerSample / 8);
        Encoding.ASCII.GetBytes("RIFF").CopyTo(wav, 0);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), 36 + audioBytes);
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(wav, 8);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(20), formatTag);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(22), channels);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), sampleRateHz);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), sampleRateHz * blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(32), blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(34), bitsPerSample);
        Encoding.ASCII.GetBytes("data").CopyTo(wav, 36);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), audioBytes);
        return wav;
    }
}
