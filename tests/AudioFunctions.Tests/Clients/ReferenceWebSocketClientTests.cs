using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AudioFunctions.Audio;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Clients;

/// <summary>
/// The Python WebSocket clients printed in reference 001 (its "Basic Example" and "Advanced Example
/// with Error Handling", taken from the reference document as they are) against the app, with
/// Debian's python3-websockets. They connect to ws://localhost:8000; the driver sends those
/// connections to the app instead and changes nothing else. Each streams a WAV file the test wrote
/// into its working directory; the app must then hold the same audio, as a completed session, a
/// WAV that ffprobe reads and a searchable track.
/// </summary>
[Collection(ReferenceClientCollection.Name)]
public sealed partial class ReferenceWebSocketClientTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    /// <summary>Debian's interpreter: the one its python3-websockets package installs into.</summary>
    private const string Python = "/usr/bin/python3";

    private const string Ffprobe = "/usr/bin/ffprobe";

    /// <summary>Longer than the 3 s an audio embedding needs, so the track gets an audio vector.</summary>
    private const double Seconds = 4.0;

    private AppInstance App => fixture.App;

    [Fact]
    public async Task BasicExample_StreamsAudioFileWav_Unchanged_IntoACompletedSearchableSession()
    {
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 44_100, 1);
        var pcm = Tone(format, Seconds, InstrumentFamily.BrightSaw, InstrumentFamily.BrightSaw);
        var file = Wav(format, pcm);
        const int ChunkBytes = 4096; // the example's chunk_size
        var chunks = (file.Length + ChunkBytes - 1) / ChunkBytes;

        var (stdout, stderr) = await RunExampleAsync("Basic Example", "audio_file.wav", file);

        const string ReferenceUri = "ws://localhost:8000/api/ws/audio?sample_rate=44100&channels=1";
        Assert.Contains($"driver: connect {ReferenceUri} -> ws://{App.BaseAddress.Authority}/api/ws/audio?sample_rate=44100&channels=1", stderr);
        var lines = Lines(stdout);
        var sessionId = SessionIdLine().Match(lines.ElementAtOrDefault(2) ?? "") is { Success: true } match
            ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"the client printed no session id:\n{stdout}\n{stderr}");
        // The client reads one reply per chunk it sends, so the greeting is the "reply" to its first
        // chunk, each ack is read one chunk late, and the last ack is what it reads after close_session.
        var expected = new List<string>
        {
            $"Connected to {ReferenceUri}",
            "Chunk 1: Session created (Total: 0)",
            $"Session ID: {sessionId}",
        };
        for (var chunk = 2; chunk <= chunks; chunk++)
            expected.Add($"Chunk {chunk}: Chunk processed successfully (Total: {chunk - 1})");
        expected.Add($"Session closed: {{'message': 'Chunk processed successfully', 'session_id': '{sessionId}', 'chunk_count': {chunks}, 'status': 'active'}}");
        Assert.Equal(expected, lines);

        var info = await WaitForCompletionAsync(sessionId);
        Assert.Equal(chunks, (long)info["total_chunks"]!);
        Assert.Equal(44_100, (long)info["sample_rate"]!);
        Assert.Equal(1, (long)info["channels"]!);
        Assert.Equal("wav", (string)info["format"]!);
        Assert.Null(info["user_id"]);
        Assert.Equal(Seconds, (double)info["duration_seconds"]!, 9);

        // A canonical file comes back byte for byte.
        var wav = await SessionWav.ReadAsync(App.Services, sessionId);
        AssertCanonicalWav(format, pcm, wav);
        Assert.Equal(file, wav);
        await AssertFfprobeReadsAsync(sessionId, format);
        await AssertSearchableAsync(trackId: sessionId);
    }

    [Fact]
    public async Task AdvancedExample_StreamsExampleWavAt48kStereo_Unchanged_IntoACompletedSearchableSession()
    {
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 48_000, 2);
        var pcm = Tone(format, Seconds, InstrumentFamily.BrightSaw, InstrumentFamily.Flute);
        // As ffmpeg writes it: a LIST chunk between fmt and data, which the stored WAV does without.
        var file = WithListChunk(Wav(format, pcm));
        const int ChunkBytes = 8192; // the example's chunk_size
        var chunks = (file.Length + ChunkBytes - 1) / ChunkBytes;

        var (_, stderr) = await RunExampleAsync("Advanced Example with Error Handling", "example.wav", file);

        const string ReferenceUri = "ws://localhost:8000/api/ws/audio?sample_rate=48000&channels=2&format=wav&user_id=user123";
        Assert.Contains($"driver: connect {ReferenceUri} -> ws://{App.BaseAddress.Authority}/api/ws/audio?sample_rate=48000&channels=2&format=wav&user_id=user123", stderr);
        // The example logs (to stderr) instead of failing: any error it met is an ERROR line.
        Assert.DoesNotContain("ERROR", stderr);
        var logged = Lines(stderr).Where(line => line.StartsWith("INFO:__main__:", StringComparison.Ordinal))
            .Select(line => line["INFO:__main__:".Length..]).ToList();
        var sessionId = SessionCreatedLine().Match(logged.ElementAtOrDefault(1) ?? "") is { Success: true } match
            ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"the client logged no session id:\n{stderr}");
        var expected = new List<string> { $"Connected to new session: {ReferenceUri}", $"Session created: {sessionId}" };
        for (var count = 10; count <= chunks; count += 10)
            expected.Add($"Processed {count} chunks");
        Assert.Equal(expected, logged.Take(expected.Count));
        Assert.Equal(expected.Count + 1, logged.Count);
        var closed = logged[^1];
        Assert.StartsWith($"Session closed: {{'message': 'Session closed', 'session_id': '{sessionId}', 'chunk_count': {chunks}, 'status': 'completed', ", closed);
        Assert.Contains("'user_id': 'user123'", closed);

        var info = await WaitForCompletionAsync(sessionId);
        Assert.Equal(chunks, (long)info["total_chunks"]!);
        Assert.Equal(48_000, (long)info["sample_rate"]!);
        Assert.Equal(2, (long)info["channels"]!);
        Assert.Equal("user123", (string)info["user_id"]!);
        Assert.Equal(Seconds, (double)info["duration_seconds"]!, 9);

        AssertCanonicalWav(format, pcm, await SessionWav.ReadAsync(App.Services, sessionId));
        await AssertFfprobeReadsAsync(sessionId, format);
        await AssertSearchableAsync(trackId: sessionId);
    }

    /// <summary>
    /// Writes the example's code (as printed) and <paramref name="wav"/> as <paramref name="wavName"/>
    /// into a fresh directory, runs the example there through the driver, and returns what it printed.
    /// Fails unless it exits with 0.
    /// </summary>
    private async Task<(string Stdout, string Stderr)> RunExampleAsync(string heading, string wavName, byte[] wav)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: run ./test.sh, which installs Debian's python3-websockets.");
        var directory = Directory.CreateTempSubdirectory("reference-ws-client-");
        try
        {
            var example = Path.Combine(directory.FullName, "reference_example.py");
            await File.WriteAllTextAsync(example, ReferenceDocuments.LiveAudioPythonExample(heading));
            await File.WriteAllBytesAsync(Path.Combine(directory.FullName, wavName), wav);

            var start = new ProcessStartInfo(Python)
            {
                WorkingDirectory = directory.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Clients", "reference_websocket_driver.py"));
            start.ArgumentList.Add(example);
            start.ArgumentList.Add(App.BaseAddress.Authority);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"the reference client did not finish within 2 minutes:\n{await stdout}\n{await stderr}");
            }
            Assert.True(process.ExitCode == 0, $"the reference client exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
            return (await stdout, await stderr);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The session information once the session is completed. The client may leave before the close it
    /// asked for is through (the basic example does not wait for its answer), so this waits for it.
    /// </summary>
    private async Task<JsonObject> WaitForCompletionAsync(string sessionId)
    {
        JsonObject info = [];
        var completed = await PipelineProbe.EventuallyAsync(async () =>
        {
            using var response = await App.Client.GetAsync($"/api/audio/sessions/{sessionId}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            info = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            return (string?)info["status"] != "active" && (string?)info["status"] != "closing";
        }, TimeSpan.FromSeconds(60));
        Assert.True(completed, $"session {sessionId} was not closed: {info}");
        Assert.Equal("completed", (string)info["status"]!);
        Assert.Equal(sessionId, (string)info["session_id"]!);
        Assert.Equal(sessionId, (string)info["track_id"]!); // no track_id given: the session's own
        Assert.EndsWith($"/{sessionId}.wav", (string)info["file_path"]!);
        return info;
    }

    /// <summary>The stored WAV is the canonical 44-byte header for the format, then exactly <paramref name="pcm"/>.</summary>
    private static void AssertCanonicalWav(StreamAudioFormat format, byte[] pcm, byte[] wav)
    {
        var header = new byte[WavHeaderWriter.HeaderBytes(pcm.Length)];
        WavHeaderWriter.Write(format, pcm.Length, header);
        Assert.Equal(44, header.Length);
        Assert.Equal(header.Length + pcm.Length, wav.Length);
        Assert.Equal(header, wav[..header.Length]);
        Assert.True(pcm.AsSpan().SequenceEqual(wav.AsSpan(header.Length)), "the stored PCM differs from the PCM the client sent");
    }

    private async Task AssertFfprobeReadsAsync(string sessionId, StreamAudioFormat format)
    {
        Assert.True(File.Exists(Ffprobe), $"{Ffprobe} is missing: run ./test.sh, which installs ffmpeg.");
        var directory = Directory.CreateTempSubdirectory("reference-ws-wav-");
        try
        {
            var path = await SessionWav.SaveAsync(App.Services, sessionId, directory.FullName);
            var start = new ProcessStartInfo(Ffprobe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels:format=format_name,duration", "-of", "json", path })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"ffprobe failed on the session's WAV: {await stderr}");
            Assert.Equal("", (await stderr).Trim());

            using var probe = JsonDocument.Parse(await stdout);
            var stream = Assert.Single(probe.RootElement.GetProperty("streams").EnumerateArray());
            Assert.Equal("pcm_s16le", stream.GetProperty("codec_name").GetString());
            Assert.Equal(format.SampleRateHz.ToString(), stream.GetProperty("sample_rate").GetString());
            Assert.Equal(format.Channels, stream.GetProperty("channels").GetInt32());
            var container = probe.RootElement.GetProperty("format");
            Assert.Equal("wav", container.GetProperty("format_name").GetString());
            Assert.Equal(Seconds, double.Parse(container.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 3);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The session's track is stored with an audio vector, and the index finds it: searching the audio
    /// collection with that vector puts the track first. (The index catches up within its sync interval.)
    /// </summary>
    private async Task AssertSearchableAsync(string trackId)
    {
        var client = new StreamApiClient(App.Client, BodyFormat.Json);
        var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(trackId, track.String("track_id"));
        Assert.True(track.Boolean("has_audio"), $"track {trackId} has no audio vector: {track.Body}");
        var embedding = track.Field("audio_embedding");

        var body = WireValue.Map(("collection", WireValue.String("audio")), ("embedding", embedding), ("limit", WireValue.Integer(3)));
        ApiResponse? answer = null;
        var found = await PipelineProbe.EventuallyAsync(async () =>
        {
            answer = (await client.PostAsync("/api/v1/tracks/search", body)).AssertStatus(HttpStatusCode.OK);
            var results = answer.Field("results").AsArray();
            return results.Count > 0 && results[0].TryGetProperty("track_id", out var first) && first.AsString() == trackId;
        }, TimeSpan.FromSeconds(15));
        Assert.True(found, $"track {trackId} is not found by its own audio vector: {answer?.Body}");
        Assert.True(answer!.Field("results").AsArray()[0].TryGetProperty("score", out var score) && score.TryGetDouble(out var value) && value > 0.999,
            $"track {trackId} does not match its own vector: {answer.Body}");
    }

    /// <summary>
    /// <paramref name="seconds"/> of 16-bit PCM in <paramref name="format"/>: a synthetic instrument per
    /// channel (left <paramref name="left"/>, right <paramref name="right"/>). The instruments' 48 kHz
    /// samples are taken as they are at the format's rate, which only shifts their pitch.
    /// </summary>
    private static byte[] Tone(StreamAudioFormat format, double seconds, InstrumentFamily left, InstrumentFamily right)
    {
        var frames = (int)Math.Round(seconds * format.SampleRateHz);
        var channels = new[] { SyntheticInstruments.Window(left, variant: 3), SyntheticInstruments.Window(right, variant: 5) };
        var pcm = new byte[frames * format.BytesPerFrame];
        for (var i = 0; i < frames; i++)
            for (var c = 0; c < format.Channels; c++)
                BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan((i * format.Channels + c) * 2),
                    (short)Math.Round(Math.Clamp(channels[c][i], -1f, 1f) * short.MaxValue));
        return pcm;
    }

    private static byte[] Wav(StreamAudioFormat format, byte[] pcm)
    {
        var wav = new byte[WavHeaderWriter.HeaderBytes(pcm.Length) + pcm.Length];
        pcm.CopyTo(wav, WavHeaderWriter.Write(format, pcm.Length, wav));
        return wav;
    }

    /// <summary>The canonical WAV with a LIST/INFO chunk (ISFT "Lavf60.16.100") inserted before its data chunk.</summary>
    private static byte[] WithListChunk(byte[] canonical)
    {
        const int DataChunkOffset = 36;
        byte[] list = [.. "LIST"u8, 26, 0, 0, 0, .. "INFO"u8, .. "ISFT"u8, 14, 0, 0, 0, .. "Lavf60.16.100\0"u8];
        var wav = new byte[canonical.Length + list.Length];
        canonical.AsSpan(0, DataChunkOffset).CopyTo(wav);
        list.CopyTo(wav, DataChunkOffset);
        canonical.AsSpan(DataChunkOffset).CopyTo(wav.AsSpan(DataChunkOffset + list.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), BinaryPrimitives.ReadUInt32LittleEndian(canonical.AsSpan(4)) + (uint)list.Length);
        return wav;
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r'))];

    [GeneratedRegex("^Session ID: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    private static partial Regex SessionIdLine();

    [GeneratedRegex("^Session created: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    private static partial Regex SessionCreatedLine();
}
