using System.Diagnostics;
using System.Text.Json.Nodes;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// Many live sessions at once, each streaming faster than real time: every chunk is acknowledged
/// once and in order, every session closes completed, and no session's audio leaks into another's.
/// </summary>
public sealed class LiveAudioConcurrencyTests(ITestOutputHelper output)
{
    private const int Sessions = 100;
    private const double Seconds = 2.0;
    private const int ChunkBytes = 4096;

    /// <summary>
    /// Sessions opened (and closed) at a time. Every start and end goes through the one registry blob
    /// by compare-and-swap, so a burst of a hundred is a test of that blob's contention, not of streaming.
    /// </summary>
    private const int StartsOrEndsAtOnce = 10;

    [Fact]
    public async Task HundredSessions_StreamingAtOnce_AreEachAckedInOrder_AndCloseIntoTheirOwnWav()
    {
        var settings = new Dictionary<string, string?> { ["INSIGHT_STREAM__MAX_SESSIONS"] = (2 * Sessions).ToString() };
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), settings);
        var clock = Stopwatch.StartNew();

        // Even sessions send bare PCM, odd ones a WAV file (header included); each has a tone of its own.
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 16_000, 1);
        var streams = Enumerable.Range(0, Sessions)
            .Select(i => i % 2 == 0 ? SessionStream.Pcm(format, 200 + 7 * i) : SessionStream.Wav(format, 200 + 7 * i))
            .ToArray();
        var clients = new LiveAudioClient?[Sessions];
        var sessionIds = new string[Sessions];
        using var startsAndEnds = new SemaphoreSlim(StartsOrEndsAtOnce);
        try
        {
            // Every session is open before any streams, so all hundred stream at once.
            await Task.WhenAll(streams.Select(async (stream, i) =>
            {
                await startsAndEnds.WaitAsync();
                try
                {
                    (clients[i], sessionIds[i]) = await LiveAudioClient.OpenSessionAsync(app, stream.Query);
                }
                finally
                {
                    startsAndEnds.Release();
                }
            }));
            Assert.Equal(Sessions, sessionIds.Distinct().Count());
            output.WriteLine($"{Sessions} sessions open after {clock.Elapsed.TotalSeconds:0.0} s");

            var streamed = 0;
            var closed = await Task.WhenAll(streams.Select(async (stream, i) =>
            {
                await StreamAsync(clients[i]!, sessionIds[i], stream);
                if (Interlocked.Increment(ref streamed) == Sessions)
                    output.WriteLine($"all streamed after {clock.Elapsed.TotalSeconds:0.0} s");
                await startsAndEnds.WaitAsync();
                try
                {
                    return await CloseAsync(clients[i]!, sessionIds[i], stream.Chunks.Length);
                }
                finally
                {
                    startsAndEnds.Release();
                }
            }));
            output.WriteLine($"all closed after {clock.Elapsed.TotalSeconds:0.0} s");

            var wavs = await Task.WhenAll(sessionIds.Select(id => SessionWav.ReadAsync(app.Services, id)));
            for (var i = 0; i < Sessions; i++)
            {
                Assert.Equal(streams[i].Chunks.Length, (long)closed[i]["session_info"]!["total_chunks"]!);
                Assert.True(streams[i].ExpectedWav.AsSpan().SequenceEqual(wavs[i]), $"session {i} ({sessionIds[i]}): the WAV is not the audio sent");
            }
        }
        finally
        {
            foreach (var client in clients)
                if (client is not null)
                    await client.DisposeAsync();
        }
    }

    /// <summary>Sends every chunk as soon as the previous one is acked, and checks each ack.</summary>
    private static async Task StreamAsync(LiveAudioClient client, string sessionId, SessionStream stream)
    {
        for (var i = 0; i < stream.Chunks.Length; i++)
        {
            var ack = await client.SendChunkAsync(stream.Chunks[i]);
            if ((string?)ack["message"] != "Chunk processed successfully" || (string?)ack["session_id"] != sessionId
                || (long?)ack["chunk_count"] != i + 1 || (string?)ack["status"] != "active")
                throw new Xunit.Sdk.XunitException($"session {sessionId}, chunk {i + 1}: unexpected answer {ack}");
        }
    }

    /// <summary>Closes the session, which must answer completed and then close the connection normally.</summary>
    private static async Task<JsonObject> CloseAsync(LiveAudioClient client, string sessionId, int chunks)
    {
        var closed = await client.CloseSessionAsync();
        if ((string?)closed["status"] != "completed" || (string?)closed["session_id"] != sessionId || (long?)closed["chunk_count"] != chunks)
            throw new Xunit.Sdk.XunitException($"session {sessionId}: close_session answered {closed}");
        Assert.Equal(1000, (await client.ReceiveCloseAsync()).Code);
        return closed;
    }

    /// <summary>What one session sends (the query that opens it, its chunks) and the WAV it must close into.</summary>
    private sealed class SessionStream(string query, ReadOnlyMemory<byte>[] chunks, byte[] expectedWav)
    {
        public string Query => query;

        public ReadOnlyMemory<byte>[] Chunks => chunks;

        public byte[] ExpectedWav => expectedWav;

        public static SessionStream Pcm(StreamAudioFormat format, double frequencyHz)
        {
            var pcm = TestSignals.Sine(format, Seconds, frequencyHz);
            return new($"format=pcm_s16_le&sample_rate={format.SampleRateHz}&channels={format.Channels}", Cut(pcm), Wav(format, pcm));
        }

        public static SessionStream Wav(StreamAudioFormat format, double frequencyHz)
        {
            var wav = Wav(format, TestSignals.Sine(format, Seconds, frequencyHz));
            return new($"format=wav&sample_rate={format.SampleRateHz}&channels={format.Channels}", Cut(wav), wav);
        }

        private static ReadOnlyMemory<byte>[] Cut(byte[] bytes) =>
            [.. Enumerable.Range(0, (bytes.Length + ChunkBytes - 1) / ChunkBytes)
                .Select(i => (ReadOnlyMemory<byte>)bytes.AsMemory(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - i * ChunkBytes)))];

        private static byte[] Wav(StreamAudioFormat format, byte[] pcm)
        {
            var wav = new byte[WavHeaderWriter.HeaderBytes(pcm.Length) + pcm.Length];
            pcm.CopyTo(wav, WavHeaderWriter.Write(format, pcm.Length, wav));
            return wav;
        }
    }
}
