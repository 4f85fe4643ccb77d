using System.Runtime.InteropServices;
using System.Text;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Tests.Audio;

/// <summary>
/// The decoder against ffmpeg itself: files are encoded from synthesized tones with
/// <c>/usr/bin/ffmpeg</c>, fed to <see cref="FfmpegDecoder"/> in odd-sized reads, and the PCM it
/// returns must equal, byte for byte, ffmpeg's own decode of the same file to <c>f32le</c>.
/// </summary>
public sealed class FfmpegDecoderTests : IDisposable
{
    private const string Ffmpeg = "/usr/bin/ffmpeg";
    private const double ToneSeconds = 3;

    /// <summary>A guard against a hang, not a timing assertion: every decode here takes well under a second.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("audiofunctions-ffmpeg-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // ---------------------------------------------------------------- decoding equals ffmpeg's

    [Theory]
    [InlineData(AudioContainer.Mp3, 1, 44_100)]
    [InlineData(AudioContainer.Mp3, 2, 44_100)]
    [InlineData(AudioContainer.Mp3, 1, 48_000)]
    [InlineData(AudioContainer.Mp3, 2, 48_000)]
    [InlineData(AudioContainer.Flac, 1, 44_100)]
    [InlineData(AudioContainer.Flac, 2, 44_100)]
    [InlineData(AudioContainer.Flac, 1, 48_000)]
    [InlineData(AudioContainer.Flac, 2, 48_000)]
    [InlineData(AudioContainer.Aac, 1, 44_100)]
    [InlineData(AudioContainer.Aac, 2, 44_100)]
    [InlineData(AudioContainer.Aac, 1, 48_000)]
    [InlineData(AudioContainer.Aac, 2, 48_000)]
    public async Task Decode_EqualsFfmpegsOwnDecode_AndKeepsEachChannelsTone(AudioContainer container, int channels, int rateHz)
    {
        var file = await EncodeAsync(container, ToneGraph(rateHz, channels, ToneSeconds));
        var reference = await ReferenceDecodeAsync(file);

        var pcm = new MemoryStream();
        var decoded = await Decoder().DecodeAsync(container, new OddReadStream(File.ReadAllBytes(file), seed: rateHz + channels), pcm, default);

        Assert.Equal(new StreamAudioFormat(PcmEncoding.F32Le, rateHz, channels), decoded.Format);
        Assert.Equal(pcm.Length, decoded.Bytes);
        Assert.Equal(reference.Length, pcm.Length);
        Assert.True(reference.AsSpan().SequenceEqual(pcm.ToArray()), "the decoded PCM differs from ffmpeg's own decode");
        for (var channel = 0; channel < channels; channel++)
            AssertTone(Channel(pcm.ToArray(), channels, channel), ToneHz(channel), rateHz);
    }

    [Fact]
    public async Task Decode_DownmixesSurroundToStereo_Aac51()
    {
        // 5.1 with 440 Hz in front left, 660 Hz in front right, silence elsewhere.
        const int rateHz = 48_000;
        var graph = $"{Sine(440, rateHz)}[fl];{Sine(660, rateHz)}[fr];" +
                    string.Join(';', Enumerable.Range(0, 4).Select(i => $"aevalsrc=0:s={rateHz}:d={ToneSeconds}[s{i}]")) +
                    ";[fl][fr][s0][s1][s2][s3]join=inputs=6:channel_layout=5.1:map=0.0-FL|1.0-FR|2.0-FC|3.0-LFE|4.0-BL|5.0-BR";
        var file = await EncodeAsync(AudioContainer.Aac, graph);
        var surroundFrames = (await ReferenceDecodeAsync(file)).Length / (6 * sizeof(float));

        var pcm = new MemoryStream();
        var decoded = await Decoder().DecodeAsync(AudioContainer.Aac, new OddReadStream(File.ReadAllBytes(file)), pcm, default);

        Assert.Equal(new StreamAudioFormat(PcmEncoding.F32Le, rateHz, 2), decoded.Format);
        Assert.Equal(surroundFrames, decoded.Bytes / decoded.Format.BytesPerFrame);
        AssertTone(Channel(pcm.ToArray(), 2, 0), 440, rateHz);
        AssertTone(Channel(pcm.ToArray(), 2, 1), 660, rateHz);
    }

    [Fact]
    public async Task Decode_EqualsFfmpegsOwnDecode_ForMp3WithTagsLargerThanAWavHeaderMayBe()
    {
        // Tags copied into ffmpeg's WAV output would push its data chunk past WavHeaderReader.MaxHeaderBytes.
        var file = await EncodeAsync(AudioContainer.Mp3, ToneGraph(44_100, 1, ToneSeconds), "-metadata", "title=" + new string('x', 70_000));
        var reference = await ReferenceDecodeAsync(file);

        var pcm = new MemoryStream();
        await Decoder().DecodeAsync(AudioContainer.Mp3, new OddReadStream(File.ReadAllBytes(file)), pcm, default);

        Assert.True(reference.AsSpan().SequenceEqual(pcm.ToArray()), "the decoded PCM differs from ffmpeg's own decode");
    }

    [Fact]
    public async Task Decode_DecodesSeveralMegabytesThroughThePipes_WithoutDeadlock()
    {
        // Stereo white noise barely compresses: megabytes go into ffmpeg while more come out, which
        // deadlocks unless input and output are copied concurrently.
        const int rateHz = 48_000;
        var graph = $"anoisesrc=color=white:sample_rate={rateHz}:amplitude=0.5:duration=30:seed=7[l];" +
                    $"anoisesrc=color=white:sample_rate={rateHz}:amplitude=0.5:duration=30:seed=8[r];[l][r]join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR";
        var file = await EncodeAsync(AudioContainer.Flac, graph);
        var compressed = File.ReadAllBytes(file);
        Assert.True(compressed.Length > 4_000_000, $"the test input is only {compressed.Length} bytes");
        var reference = await ReferenceDecodeAsync(file);

        var pcm = new MemoryStream();
        var decoded = await Decoder().DecodeAsync(AudioContainer.Flac, new OddReadStream(compressed, maxRead: 65_535), pcm, default)
            .WaitAsync(HangGuard);

        Assert.Equal(reference.Length, decoded.Bytes);
        Assert.True(reference.AsSpan().SequenceEqual(pcm.ToArray()), "the decoded PCM differs from ffmpeg's own decode");
    }

    // ---------------------------------------------------------------- bad input

    [Fact]
    public async Task Decode_Throws_ForRandomBytesAsMp3()
    {
        var noise = new byte[20_000];
        new Random(3).NextBytes(noise);
        var pcm = new MemoryStream();

        var exception = await Assert.ThrowsAsync<AudioDecodeException>(
            () => Decoder().DecodeAsync(AudioContainer.Mp3, new OddReadStream(noise), pcm, default));

        Assert.StartsWith("ffmpeg could not decode the MP3 input (exit code 1): ", exception.Message);
        Assert.Contains("input: Invalid argument", exception.Message);          // ffmpeg's last line, its URL for the input renamed
        Assert.DoesNotContain("audiofunctions-decode", exception.Message);   // no temporary path
        Assert.Equal(0, pcm.Length);
    }

    [Fact]
    public async Task Decode_Throws_ForTruncatedFlacHeader()
    {
        var file = await EncodeAsync(AudioContainer.Flac, ToneGraph(48_000, 1, 1));
        var pcm = new MemoryStream();

        var exception = await Assert.ThrowsAsync<AudioDecodeException>(
            () => Decoder().DecodeAsync(AudioContainer.Flac, new OddReadStream(File.ReadAllBytes(file)[..30]), pcm, default));

        Assert.Equal("ffmpeg could not decode the FLAC input (exit code 1): input: Input/output error.", exception.Message);
        Assert.Equal(0, pcm.Length);
    }

    [Fact]
    public async Task Decode_Throws_ForEmptyAacInput()
    {
        var exception = await Assert.ThrowsAsync<AudioDecodeException>(
            () => Decoder().DecodeAsync(AudioContainer.Aac, new OddReadStream([]), new MemoryStream(), default));

        Assert.Contains("AAC (ADTS) input", exception.Message);
    }

    [Theory]
    [InlineData(AudioContainer.Pcm)]
    [InlineData(AudioContainer.Wav)]
    public async Task Decode_Throws_ForUncompressedContainers(AudioContainer container)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Decoder().DecodeAsync(container, new MemoryStream([1, 2]), new MemoryStream(), default));
    }

    [Fact]
    public async Task Decode_SaysToInstallFfmpeg_WhenTheExecutableIsMissing()
    {
        var decoder = Decoder(new FfmpegOptions { Path = Path.Combine(_directory, "no-such-ffmpeg") });

        var exception = await Assert.ThrowsAsync<AudioDecodeException>(
            () => decoder.DecodeAsync(AudioContainer.Flac, new MemoryStream([1, 2, 3]), new MemoryStream(), default));

        Assert.Contains("no-such-ffmpeg", exception.Message);
        Assert.Contains("Install Debian's ffmpeg package (apt-get install ffmpeg) or set FFMPEG__PATH", exception.Message);
    }

    // ---------------------------------------------------------------- ending early

    [Fact]
    public async Task Decode_KillsFfmpeg_WhenCancelledWhileTheInputStalls()
    {
        var ffmpeg = UniqueFfmpeg();
        var aac = File.ReadAllBytes(await EncodeAsync(AudioContainer.Aac, ToneGraph(48_000, 2, ToneSeconds)));
        using var cancellation = new CancellationTokenSource();
        var input = new OddReadStream(aac) { EndAfter = aac.Length / 2, Then = OddReadStream.Ending.Stall };

        var decoding = Decoder(new FfmpegOptions { Path = ffmpeg }).DecodeAsync(AudioContainer.Aac, input, new MemoryStream(), cancellation.Token);
        var pid = await WaitForProcessAsync(ffmpeg);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decoding.WaitAsync(HangGuard));
        Assert.False(IsRunning(pid, ffmpeg), "ffmpeg is still running after the cancelled decode returned");
    }

    [Fact]
    public async Task Decode_KillsFfmpeg_WhenCancelledWhileTheOutputIsBlocked()
    {
        // ffmpeg blocks on a full output pipe here, so it cannot end by itself: only a kill ends it.
        var ffmpeg = UniqueFfmpeg();
        var flac = File.ReadAllBytes(await EncodeAsync(AudioContainer.Flac, ToneGraph(48_000, 2, 20)));
        using var cancellation = new CancellationTokenSource();
        var pcm = new BlockedWriteStream();

        var decoding = Decoder(new FfmpegOptions { Path = ffmpeg }).DecodeAsync(AudioContainer.Flac, new MemoryStream(flac), pcm, cancellation.Token);
        var pid = await WaitForProcessAsync(ffmpeg);
        await pcm.WriteStarted.Task.WaitAsync(HangGuard);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decoding.WaitAsync(HangGuard));
        Assert.False(IsRunning(pid, ffmpeg), "ffmpeg is still running after the cancelled decode returned");
    }

    [Fact]
    public async Task Decode_KillsFfmpegAndSaysSo_WhenTheTimeLimitPasses()
    {
        var ffmpeg = UniqueFfmpeg();
        var aac = File.ReadAllBytes(await EncodeAsync(AudioContainer.Aac, ToneGraph(48_000, 1, ToneSeconds)));
        var input = new OddReadStream(aac) { EndAfter = aac.Length / 2, Then = OddReadStream.Ending.Stall };

        var decoding = Decoder(new FfmpegOptions { Path = ffmpeg, TimeoutSeconds = 1 }).DecodeAsync(AudioContainer.Aac, input, new MemoryStream(), default);
        var pid = await WaitForProcessAsync(ffmpeg);

        var exception = await Assert.ThrowsAsync<AudioDecodeException>(() => decoding.WaitAsync(HangGuard));
        Assert.StartsWith("decoding the AAC (ADTS) input took longer than 1 s (FFMPEG__TIMEOUT_S), so ffmpeg was stopped", exception.Message);
        Assert.False(IsRunning(pid, ffmpeg), "ffmpeg is still running after the timed-out decode returned");
    }

    [Fact]
    public async Task Decode_RethrowsTheInputsException_AndKillsFfmpeg()
    {
        var ffmpeg = UniqueFfmpeg();
        var flac = File.ReadAllBytes(await EncodeAsync(AudioContainer.Flac, ToneGraph(44_100, 2, ToneSeconds)));
        var connectionDrops = new TaskCompletionSource();
        var input = new OddReadStream(flac) { EndAfter = flac.Length / 2, Then = OddReadStream.Ending.Throw, ThrowWhen = connectionDrops.Task };

        var decoding = Decoder(new FfmpegOptions { Path = ffmpeg }).DecodeAsync(AudioContainer.Flac, input, new MemoryStream(), default);
        var pid = await WaitForProcessAsync(ffmpeg);
        connectionDrops.SetResult();

        var exception = await Assert.ThrowsAsync<IOException>(() => decoding.WaitAsync(HangGuard));
        Assert.Same(input.Failure, exception);
        Assert.False(IsRunning(pid, ffmpeg), "ffmpeg is still running after the failed decode returned");
    }

    [Fact]
    public async Task Decode_RethrowsTheInputsException_ForMp3()
    {
        var mp3 = File.ReadAllBytes(await EncodeAsync(AudioContainer.Mp3, ToneGraph(44_100, 1, ToneSeconds)));
        var input = new OddReadStream(mp3) { EndAfter = mp3.Length / 2, Then = OddReadStream.Ending.Throw };

        var exception = await Assert.ThrowsAsync<IOException>(() => Decoder().DecodeAsync(AudioContainer.Mp3, input, new MemoryStream(), default));

        Assert.Same(input.Failure, exception);
    }

    // ---------------------------------------------------------------- helpers

    private static FfmpegDecoder Decoder(FfmpegOptions? options = null) =>
        new(Options.Create(options ?? new FfmpegOptions { Path = Ffmpeg }), NullLogger<FfmpegDecoder>.Instance);

    private static double ToneHz(int channel) => 440 * (1 + 0.5 * channel);

    private static string Sine(double frequencyHz, int rateHz, double seconds = ToneSeconds) =>
        $"sine=frequency={frequencyHz}:sample_rate={rateHz}:duration={seconds}";

    /// <summary>A filter graph of <paramref name="channels"/> tones, channel c at <see cref="ToneHz"/>(c).</summary>
    private static string ToneGraph(int rateHz, int channels, double seconds) => channels == 1
        ? Sine(ToneHz(0), rateHz, seconds)
        : $"{Sine(ToneHz(0), rateHz, seconds)}[l];{Sine(ToneHz(1), rateHz, seconds)}[r];[l][r]join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR";

    /// <summary>Encodes the filter graph's audio into a file of the container; ADTS for AAC.</summary>
    private async Task<string> EncodeAsync(AudioContainer container, string graph, params string[] extra)
    {
        string[] codec = container switch
        {
            AudioContainer.Mp3 => ["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"],
            AudioContainer.Flac => ["-c:a", "flac", "-f", "flac"],
            AudioContainer.Aac => ["-c:a", "aac", "-b:a", "128k", "-f", "adts"],
            _ => throw new ArgumentOutOfRangeException(nameof(container)),
        };
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.{codec[^1]}");
        await RunFfmpegAsync(["-filter_complex", graph, .. extra, .. codec, path]);
        return path;
    }

    /// <summary>ffmpeg's own decode of a file, as ffmpeg would do it by hand: <c>ffmpeg -i file -f f32le -c:a pcm_f32le pipe:1</c>.</summary>
    private static Task<byte[]> ReferenceDecodeAsync(string path) => RunFfmpegAsync(["-i", path, "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]);

    private static Task<byte[]> RunFfmpegAsync(string[] arguments) =>
        FfmpegTool.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", .. arguments]);

    private static float[] Channel(byte[] pcm, int channels, int channel)
    {
        var samples = MemoryMarshal.Cast<byte, float>(pcm);
        var result = new float[samples.Length / channels];
        for (var i = 0; i < result.Length; i++)
            result[i] = samples[i * channels + channel];
        return result;
    }

    /// <summary>
    /// The tone is the signal: over one second after the codec's start-up, its frequency is within
    /// 0.5 Hz of the nominal one and a sine of that frequency holds all but 1 % of the energy.
    /// </summary>
    private static void AssertTone(float[] signal, double frequencyHz, int rateHz)
    {
        var start = rateHz / 2;
        Assert.InRange(SignalAnalysis.MeasureFrequency(signal, frequencyHz, rateHz, start, rateHz), frequencyHz - 0.5, frequencyHz + 0.5);
        Assert.InRange(SignalAnalysis.FitSine(signal, frequencyHz, rateHz, start, rateHz).SnrDb, 20, double.PositiveInfinity);
    }

    /// <summary>
    /// ffmpeg under a name of this test's own (a symbolic link), so its processes can be told apart
    /// from any other ffmpeg running meanwhile.
    /// </summary>
    private string UniqueFfmpeg()
    {
        var link = Path.Combine(_directory, $"ffmpeg-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(link, Ffmpeg);
        return link;
    }

    private static async Task<int> WaitForProcessAsync(string executable)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var pid in ProcessesOf(executable))
                return pid;
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"{executable} did not start");
    }

    /// <summary>Whether the process lives and still runs the executable (a reaped or zombie process has no command line).</summary>
    private static bool IsRunning(int pid, string executable) => CommandLineOf(pid)?.StartsWith(executable + '\0', StringComparison.Ordinal) == true;

    private static IEnumerable<int> ProcessesOf(string executable)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(directory), out var pid) && IsRunning(pid, executable))
                yield return pid;
    }

    private static string? CommandLineOf(int pid)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/cmdline"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>An output whose writes wait until cancelled: a consumer that stopped taking audio.</summary>
    private sealed class BlockedWriteStream : MemoryStream
    {
        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WriteStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
