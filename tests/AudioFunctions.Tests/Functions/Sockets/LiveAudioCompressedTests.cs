using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AudioFunctions.Audio;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using static AudioFunctions.Tests.Functions.Sockets.LiveAudioExpectations;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// Compressed live streams (reference 001's <c>format=mp3|flac|aac</c>): files ffmpeg made are sent
/// in chunks that split frames anywhere, and the session's WAV must hold exactly what ffmpeg itself
/// decodes from the whole file, across a restart of the app too. A stream that does not decode
/// ends the session in error and nothing else.
/// </summary>
public sealed class LiveAudioCompressedTests(AppFixture fixture) : IClassFixture<AppFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audiofunctions-compressed-").FullName;

    private AppInstance App => fixture.App;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("mp3", 44_100, 1)]
    [InlineData("mp3", 48_000, 2)]
    [InlineData("flac", 48_000, 1)]
    [InlineData("flac", 44_100, 2)]
    [InlineData("aac", 44_100, 1)]
    [InlineData("aac", 48_000, 2)]
    public async Task CompressedStream_InChunksSplittingFrames_ClosesIntoFfmpegsDecode_WithWindowsAndASearchableTrack(
        string container, int sampleRateHz, int channels)
    {
        var (compressed, expected) = await ToneFileAsync(container, sampleRateHz, channels, seconds: 12);
        var trackId = $"live-{container}-{Guid.NewGuid():N}";
        var artist = $"Artist{Guid.NewGuid():N}";
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App,
            $"format={container}&sample_rate={sampleRateHz}&channels={channels}&track_id={trackId}&name=Tone&artists={artist}");
        await using var _ = client;

        var chunks = await StreamAsync(client, sessionId, Pieces(compressed, seed: sampleRateHz + channels), firstChunkCount: 0);
        var closed = await client.CloseSessionAsync();

        Assert.Equal("completed", (string?)closed["status"]);
        Assert.Equal(chunks, (long?)closed["chunk_count"]);
        Assert.Equal(NormalClosure, (await client.ReceiveCloseAsync()).Code);
        await AssertWavAsync(App, sessionId, expected, sampleRateHz, channels);

        var info = await InfoAsync(App, sessionId);
        Assert.Equal("completed", (string?)info["status"]);
        Assert.Equal(container, (string?)info["format"]);
        Assert.Equal(sampleRateHz, (long?)info["sample_rate"]);
        Assert.Equal(channels, (long?)info["channels"]);
        Assert.Equal(chunks, (long?)info["total_chunks"]);
        Assert.Equal(compressed.Length, (long?)info["total_bytes"]);
        Assert.Equal(Frames(expected, channels) / (double)sampleRateHz, (double)info["duration_seconds"]!, 9);
        Assert.True((long?)info["windows_completed"] > 0, info.ToJsonString());
        Assert.EndsWith($"/{sessionId}.wav", (string?)info["file_path"]);
        await AssertSearchableAsync(trackId, artist);
    }

    [Fact]
    public async Task CompressedStream_ResumedOnANewAppInstance_ClosesIntoTheSameWav()
    {
        var (compressed, expected) = await ToneFileAsync("mp3", 44_100, 2, seconds: 12);
        var pieces = Pieces(compressed, seed: 5).ToList();
        var half = pieces.Count / 2;
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        string sessionId;

        await using (var first = await AppInstance.StartAsync(azurite, prefix))
        {
            var (client, id) = await LiveAudioClient.OpenSessionAsync(first, "format=mp3&sample_rate=44100&channels=2");
            sessionId = id;
            Assert.Equal(half, await StreamAsync(client, sessionId, pieces.Take(half), firstChunkCount: 0));
            // The instance goes away under the open connection.
            await first.StopAsync();
            await client.DisposeAsync();
        }

        await using var second = await AppInstance.StartAsync(azurite, prefix);
        Assert.Equal("active", (string?)(await InfoAsync(second, sessionId))["status"]);
        await using var resumed = await LiveAudioClient.ConnectAsync(second, "/" + sessionId);
        Assert.Equal(pieces.Count, await StreamAsync(resumed, sessionId, pieces.Skip(half), firstChunkCount: half));
        var closed = await resumed.CloseSessionAsync();

        Assert.Equal("completed", (string?)closed["status"]);
        Assert.Equal(compressed.Length, (long?)closed["session_info"]!["total_bytes"]);
        await AssertWavAsync(second, sessionId, expected, 44_100, 2);
    }

    [Fact]
    public async Task CorruptMp3_EndsTheSessionInError_WithTheReason_AndOtherSessionsGoOn()
    {
        var (flac, flacPcm) = await ToneFileAsync("flac", 48_000, 1, seconds: 4);
        var (other, otherId) = await LiveAudioClient.OpenSessionAsync(App, "format=flac");
        await using var otherConnection = other;
        var otherPieces = Pieces(flac, seed: 11).ToList();
        await StreamAsync(other, otherId, otherPieces.Take(3), firstChunkCount: 0);

        // Random bytes without a single 0xFF hold no MPEG frame sync, so nothing in them can pass for audio.
        var random = new Random(20_240_601);
        var garbage = new byte[50_000];
        random.NextBytes(garbage);
        for (var i = 0; i < garbage.Length; i++)
            garbage[i] = (byte)(garbage[i] == 0xFF ? 0x17 : garbage[i]);
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=mp3");
        await using var _ = client;
        var chunks = await StreamAsync(client, sessionId, Pieces(garbage, seed: 3), firstChunkCount: 0);

        var closed = await client.CloseSessionAsync();

        Assert.Equal("error", (string?)closed["status"]);
        Assert.Equal("Session failed", (string?)closed["message"]);
        Assert.Equal(chunks, (long?)closed["chunk_count"]);
        var reason = (string?)closed["session_info"]!["reason"];
        Assert.StartsWith("The mp3 stream could not be decoded: ffmpeg could not decode the MP3 input", reason);
        var info = await InfoAsync(App, sessionId);
        Assert.Equal("error", (string?)info["status"]);
        Assert.Equal(reason, (string?)info["reason"]);
        Assert.Null(info["file_path"]);
        Assert.Equal(garbage.Length, (long?)info["total_bytes"]);
        using (var close = await App.Client.PostAsync($"/api/audio/sessions/{sessionId}/close", null))
        {
            var body = JsonNode.Parse(await close.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
            Assert.False((bool?)body["success"]);
            Assert.Equal($"Session failed: {reason}", (string?)body["message"]);
        }

        // The other session streams on and completes.
        await StreamAsync(other, otherId, otherPieces.Skip(3), firstChunkCount: 3);
        Assert.Equal("completed", (string?)(await other.CloseSessionAsync())["status"]);
        await AssertWavAsync(App, otherId, flacPcm, 48_000, 1);
    }

    /// <summary>A tone file made by ffmpeg and ffmpeg's own decode of it (32-bit float PCM).</summary>
    private async Task<(byte[] File, byte[] Pcm)> ToneFileAsync(string container, int sampleRateHz, int channels, double seconds)
    {
        var path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"tone-{sampleRateHz}-{channels}.{container}"));
        await CompressedTestAudio.EncodeToneAsync(container, sampleRateHz, channels, seconds, path);
        var pcm = await CompressedTestAudio.DecodeToF32Async(path);
        // Sanity of the reference itself: about as long as what was encoded (codec delay aside).
        Assert.InRange(Frames(pcm, channels) / (double)sampleRateHz, seconds - 0.05, seconds + 0.1);
        return (await File.ReadAllBytesAsync(path), pcm);
    }

    /// <summary>Five 1-byte chunks (inside the first frame header), then odd sizes up to 8 KB that ignore frame boundaries.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Pieces(byte[] data, int seed)
    {
        for (var i = 0; i < 5; i++)
            yield return data.AsMemory(i, 1);
        foreach (var piece in TestSignals.OddPieces(data[5..], seed, maxPiece: 8192))
            yield return piece;
    }

    /// <summary>Sends every piece as one chunk, checking each ack's count; returns the session's chunk count after.</summary>
    private static async Task<int> StreamAsync(LiveAudioClient client, string sessionId, IEnumerable<ReadOnlyMemory<byte>> pieces, int firstChunkCount)
    {
        var count = firstChunkCount;
        foreach (var piece in pieces)
            AssertAck(await client.SendChunkAsync(piece), sessionId, ++count);
        return count;
    }

    /// <summary>The session's WAV: 32-bit float at the stream's rate and channels holding exactly <paramref name="expectedPcm"/>, as ffprobe reads it too.</summary>
    private async Task AssertWavAsync(AppInstance app, string sessionId, byte[] expectedPcm, int sampleRateHz, int channels)
    {
        var wav = await SessionWav.ReadAsync(app.Services, sessionId);
        Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(wav, out var header, out var error));
        Assert.Null(error);
        Assert.Equal(new StreamAudioFormat(PcmEncoding.F32Le, sampleRateHz, channels), header.Format);
        Assert.Equal(expectedPcm.Length, header.DataBytes);
        Assert.Equal(header.HeaderBytes + expectedPcm.Length, wav.Length);
        Assert.True(expectedPcm.AsSpan().SequenceEqual(wav.AsSpan(header.HeaderBytes)),
            $"the WAV's PCM differs from ffmpeg's decode (first difference at byte {expectedPcm.AsSpan().CommonPrefixLength(wav.AsSpan(header.HeaderBytes))})");

        var probe = await CompressedTestAudio.ProbeAsync(await SessionWav.SaveAsync(app.Services, sessionId, _directory));
        Assert.Equal("pcm_f32le", probe.Codec);
        Assert.Equal(sampleRateHz, probe.SampleRateHz);
        Assert.Equal(channels, probe.Channels);
        Assert.Equal(Frames(expectedPcm, channels) / (double)sampleRateHz, probe.DurationSeconds, 3);
    }

    /// <summary>The stored track has an audio vector, and searching with it (filtered to its unique artist) finds it first.</summary>
    private async Task AssertSearchableAsync(string trackId, string artist)
    {
        var api = new StreamApiClient(App.Client, BodyFormat.Json);
        var track = (await api.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        Assert.True(track.Boolean("has_audio"));
        var search = await api.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", track.Field("audio_embedding")),
            ("collection", WireValue.String("audio")),
            ("limit", WireValue.Integer(5)),
            ("filter", WireValue.Map(("artist", WireValue.String(artist))))));
        var results = search.AssertStatus(HttpStatusCode.OK).Field("results").AsArray();
        Assert.Single(results);
        Assert.True(results[0].TryGetProperty("track_id", out var found));
        Assert.Equal(trackId, found.AsString());
    }

    private static long Frames(byte[] f32Pcm, int channels) => f32Pcm.Length / (4L * channels);
}
