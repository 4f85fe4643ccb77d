using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Audio;

/// <summary>
/// Decodes MP3, FLAC and AAC (ADTS) to PCM with an ffmpeg process per call: the compressed bytes go
/// in, ffmpeg's <c>pcm_f32le</c> WAV comes out, and only the samples after the header reach the caller.
/// </summary>
/// <remarks>
/// ffmpeg runs without a shell, its arguments passed one by one. Input, output and its error text
/// are copied concurrently through pooled buffers, each side waiting for the other (a full pipe holds
/// the writer back), so inputs of any size neither deadlock nor pile up in memory. Whatever ends a
/// decode early (failure, timeout, cancellation, a throwing stream) kills the process before the call
/// returns.
/// </remarks>
public sealed partial class FfmpegDecoder(IOptions<FfmpegOptions> options, ILogger<FfmpegDecoder> logger)
{
    /// <summary>Copy size: Linux's default pipe capacity, so one read or write fills or drains a pipe.</summary>
    private const int CopyBufferBytes = 64 * 1024;

    /// <summary>ffmpeg's error text kept for the message; a corrupt input can produce megabytes of it.</summary>
    private const int ErrorTailChars = 8 * 1024;

    private const int MaxReasonChars = 400;

    /// <summary>
    /// Reads <paramref name="compressed"/> to its end (or until ffmpeg stops reading it) and writes the
    /// decoded audio to <paramref name="pcm"/> as raw interleaved 32-bit float PCM with no header, at
    /// the stream's own rate, with more than two channels downmixed to stereo (mono stays mono).
    /// Neither stream is disposed. Cost: one ffmpeg process; MP3 is first spooled to a temporary file.
    /// </summary>
    /// <returns>The format of the bytes written and how many (whole sample frames).</returns>
    /// <exception cref="ArgumentException"><paramref name="container"/> is not a compressed container.</exception>
    /// <exception cref="AudioDecodeException">Nothing decodes, ffmpeg fails or is missing, or the
    /// time limit (<see cref="FfmpegOptions.TimeoutSeconds"/>) passes.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Exceptions thrown by either stream propagate unchanged. On any failure part of the
    /// audio may already have been written to <paramref name="pcm"/>.</remarks>
    public async Task<DecodedPcm> DecodeAsync(AudioContainer container, Stream compressed, Stream pcm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(pcm);
        if (!container.IsCompressed())
            throw new ArgumentException($"{container} is not a compressed container; only MP3, FLAC and AAC are decoded.", nameof(container));

        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(settings.Timeout);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var decoded = await DecodeCoreAsync(container, compressed, pcm, settings, abort, cancellationToken);
            LogDecoded(logger, container, decoded.Bytes, decoded.Format.SampleRateHz, decoded.Format.Channels,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return decoded;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            // The time limit passed before ffmpeg started, while the input was spooled.
            var exception = TimedOut(container, settings, lastError: null);
            LogFailed(logger, container, exception.Message);
            throw exception;
        }
        catch (AudioDecodeException exception)
        {
            LogFailed(logger, container, exception.Message);
            throw;
        }
    }

    private async Task<DecodedPcm> DecodeCoreAsync(
        AudioContainer container, Stream compressed, Stream pcm, FfmpegOptions settings, CancellationTokenSource abort,
        CancellationToken cancellationToken)
    {
        // ffmpeg 5's MP3 demuxer trims the encoder's end padding (named in the LAME/Xing header) only
        // when it can measure its input's size, which a pipe does not tell: from a file the decode is
        // sample-exact, from a pipe it runs up to a frame long. FLAC and ADTS decode alike either way.
        await using var spool = container == AudioContainer.Mp3 ? await SpoolAsync(compressed, abort.Token) : null;
        var input = spool is null ? "pipe:0" : "file:" + spool.Name;

        using var process = Start(container, input, settings);
        using var killOnAbort = abort.Token.Register(static state => Kill((Process)state!), process);

        // An exception before any abort is the cause, and aborts the rest; one after an abort (a
        // cancelled copy, output cut off by the kill) is a consequence, and the abort's cause is told.
        ExceptionDispatchInfo? failure = null;
        void Fail(Exception exception)
        {
            if (abort.IsCancellationRequested)
                return;
            Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(exception), null);
            abort.Cancel();
        }

        async Task FeedAsync()
        {
            try
            {
                await PumpAsync(compressed, process.StandardInput.BaseStream, abort.Token);
            }
            catch (Exception exception)
            {
                Fail(exception);
            }
        }

        var errorText = new StringBuilder();
        var collectingErrors = CollectErrorsAsync(process.StandardError, errorText);
        Task feeding;
        if (spool is null)
        {
            feeding = FeedAsync();
        }
        else
        {
            process.StandardInput.Close();
            feeding = Task.CompletedTask;
        }
        (StreamAudioFormat Format, long Bytes)? output = null;
        try
        {
            output = await CopyPcmAsync(process.StandardOutput.BaseStream, pcm, abort.Token);
        }
        catch (Exception exception)
        {
            Fail(exception);
        }
        await feeding;
        await collectingErrors;
        // Its output has ended: ffmpeg is exiting, or being killed.
        await process.WaitForExitAsync(CancellationToken.None);

        var lastError = LastErrorLine(errorText, input);
        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        if (abort.IsCancellationRequested)
            throw TimedOut(container, settings, lastError);
        if (process.ExitCode != 0)
            throw new AudioDecodeException(
                $"ffmpeg could not decode the {Describe(container)} input (exit code {process.ExitCode}): {lastError ?? "it gave no reason"}.");
        if (output is not { Bytes: > 0 } decoded)
            throw new AudioDecodeException(
                $"the {Describe(container)} input holds no audio that ffmpeg could decode{(lastError is null ? "" : ": " + lastError)}.");
        return new DecodedPcm(decoded.Format, decoded.Bytes);
    }

    /// <summary>
    /// <c>-map 0:a:0</c> takes the first audio stream only (an MP3's cover art is a video stream);
    /// <c>aformat</c> lets ffmpeg pick the nearest of mono and stereo, so mono stays mono and more
    /// channels are downmixed by its standard matrix; <c>-map_metadata -1</c> and <c>+bitexact</c>
    /// keep tags and the encoder name out of the WAV header, which must end within
    /// <see cref="WavHeaderReader.MaxHeaderBytes"/>. The output is WAV so that the rate and channel
    /// count come with the samples.
    /// </summary>
    private Process Start(AudioContainer container, string input, FfmpegOptions settings)
    {
        var start = new ProcessStartInfo(settings.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in (ReadOnlySpan<string>)
                 ["-hide_banner", "-nostdin", "-loglevel", settings.LogLevel, "-f", DemuxerName(container), "-i", input,
                  "-map", "0:a:0", "-map_metadata", "-1", "-c:a", "pcm_f32le", "-af", "aformat=channel_layouts=mono|stereo",
                  "-fflags", "+bitexact", "-f", "wav", "pipe:1"])
            start.ArgumentList.Add(argument);
        try
        {
            return Process.Start(start) ?? throw new Win32Exception("no process was started");
        }
        catch (Win32Exception exception)
        {
            LogStartFailed(logger, settings.Path, exception);
            throw new AudioDecodeException(
                $"ffmpeg could not be started as '{settings.Path}' ({FfmpegOptions.Section}__PATH): {exception.Message}. " +
                "Install Debian's ffmpeg package (apt-get install ffmpeg) or set FFMPEG__PATH to the ffmpeg executable.", exception);
        }
    }

    /// <summary>Ends the process tree this decoder started; a process that has already exited is left alone.</summary>
    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
    }

    /// <summary>
    /// ffmpeg's last error line, which names the final cause ("Invalid data found when processing
    /// input"); its repeat counters are skipped, and the input's URL, which means nothing to a
    /// client, reads "input".
    /// </summary>
    private static string? LastErrorLine(StringBuilder errorText, string input)
    {
        var lines = errorText.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            if (lines[i].StartsWith("Last message repeated", StringComparison.Ordinal))
                continue;
            var line = lines[i].Replace(input, "input", StringComparison.Ordinal);
            if (input.StartsWith("file:", StringComparison.Ordinal))
                line = line.Replace(input["file:".Length..], "input", StringComparison.Ordinal);
            return line.Length <= MaxReasonChars ? line : line[..MaxReasonChars] + "…";
        }
        return null;
    }

    private static AudioDecodeException TimedOut(AudioContainer container, FfmpegOptions settings, string? lastError) =>
        new($"decoding the {Describe(container)} input took longer than {settings.TimeoutSeconds} s " +
            $"({FfmpegOptions.Section}__TIMEOUT_S), so ffmpeg was stopped{(lastError is null ? "" : "; its last error: " + lastError)}.");

    /// <summary>ffmpeg's demuxer for the container; forcing it skips probing, which a pipe makes unreliable.</summary>
    private static string DemuxerName(AudioContainer container) => container switch
    {
        AudioContainer.Mp3 => "mp3",
        AudioContainer.Flac => "flac",
        AudioContainer.Aac => "aac", // raw ADTS frames
        _ => throw new ArgumentOutOfRangeException(nameof(container), container, "not a compressed container"),
    };

    private static string Describe(AudioContainer container) => container switch
    {
        AudioContainer.Mp3 => "MP3",
        AudioContainer.Flac => "FLAC",
        AudioContainer.Aac => "AAC (ADTS)",
        _ => container.ToString(),
    };

    [LoggerMessage(7001, LogLevel.Debug, "Decoded {Container} audio: {Bytes} bytes of PCM at {SampleRateHz} Hz, {Channels} channel(s), in {ElapsedMs:F1} ms")]
    private static partial void LogDecoded(ILogger logger, AudioContainer container, long bytes, int sampleRateHz, int channels, double elapsedMs);

    [LoggerMessage(7002, LogLevel.Warning, "{Container} audio could not be decoded: {Reason}")]
    private static partial void LogFailed(ILogger logger, AudioContainer container, string reason);

    [LoggerMessage(7003, LogLevel.Error, "ffmpeg could not be started from {Path}")]
    private static partial void LogStartFailed(ILogger logger, string path, Exception exception);
}
