using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Sockets;

public sealed class LiveAudioSocketTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private AppInstance App => fixture.App;

    [Fact]
    public async Task WavStream_InOddChunks_IsAckedPerChunk_AndClosesIntoTheSameWav()
    {
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 44_100, 2);
        var pcm = TestSignals.Sine(format, seconds: 3.3);
        var wav = new byte[WavHeaderWriter.HeaderBytes(pcm.Length) + pcm.Length];
        var headerBytes = WavHeaderWriter.Write(format, pcm.Length, wav);
        pcm.CopyTo(wav, headerBytes);

        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "sample_rate=44100&channels=2&format=wav&user_id=u1");
        await using var _ = client;
        var chunks = 0;
        // Chunk sizes that split the header, frames and samples anywhere.
        for (int offset = 0, size = 7; offset < wav.Length; offset += size, size = size * 3 % 9001 + 1)
        {
            var chunk = wav.AsMemory(offset, Math.Min(size, wav.Length - offset));
            var ack = await client.SendChunkAsync(chunk);
            chunks++;
            Assert.Equal("Chunk processed successfully", (string)ack["message"]!);
            Assert.Equal(sessionId, (string)ack["session_id"]!);
            Assert.Equal(chunks, (long)ack["chunk_count"]!);
            Assert.Equal("active", (string)ack["status"]!);
        }

        var closed = await client.CloseSessionAsync();
        Assert.Equal("completed", (string)closed["status"]!);
        var info = closed["session_info"]!;
        Assert.Equal(chunks, (long)info["total_chunks"]!);
        Assert.Equal(pcm.Length / format.BytesPerFrame / 44_100.0, (double)info["duration_seconds"]!, 6);
        Assert.EndsWith($"/{sessionId}.wav", (string)info["file_path"]!);
        var (code, _) = await client.ReceiveCloseAsync();
        Assert.Equal(1000, code);

        Assert.Equal(wav, await SessionWav.ReadAsync(App.Services, sessionId));
    }

    [Fact]
    public async Task WavStream_BytesAfterTheDataChunk_AreAckedButAreNotAudio()
    {
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 16_000, 1);
        var pcm = TestSignals.Sine(format, seconds: 1.0);
        var header = new byte[WavHeaderWriter.HeaderBytes(pcm.Length)];
        WavHeaderWriter.Write(format, pcm.Length, header);
        // A LIST chunk after the data, as some writers append metadata at the end.
        var trailer = new byte[8 + 4 + 2_000];
        "LIST"u8.CopyTo(trailer);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(4), trailer.Length - 8);
        "INFO"u8.CopyTo(trailer.AsSpan(8));
        byte[] file = [.. header, .. pcm, .. trailer];

        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "sample_rate=16000&channels=1&format=wav");
        await using var _ = client;
        var chunks = 0;
        // Chunks of 1,000 bytes: one of them straddles the end of the data, the last ones are trailer only.
        for (var offset = 0; offset < file.Length; offset += 1_000)
        {
            var ack = await client.SendChunkAsync(file.AsMemory(offset, Math.Min(1_000, file.Length - offset)));
            Assert.Equal(++chunks, (long)ack["chunk_count"]!);
        }
        var closed = await client.CloseSessionAsync();
        Assert.Equal("completed", (string)closed["status"]!);
        Assert.Equal(pcm.Length, (long)closed["session_info"]!["total_bytes"]!);

        byte[] expected = [.. header, .. pcm];
        Assert.Equal(expected, await SessionWav.ReadAsync(App.Services, sessionId));
    }
}
