using System.Globalization;
using System.Text.Json;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// Compressed files for the live tests, made by Debian's ffmpeg, and ffmpeg's and ffprobe's own
/// readings of audio: the reference the app's decoding is held to.
/// </summary>
internal static class CompressedTestAudio
{
    /// <summary>What ffprobe says of an audio file's first stream.</summary>
    public sealed record Probe(string Codec, int SampleRateHz, int Channels, double DurationSeconds);

    /// <summary>
    /// Encodes <paramref name="seconds"/> of synthesized tone (440 Hz on the left or only channel, 660 Hz
    /// on the right) into <paramref name="path"/>: <c>mp3</c> (LAME), <c>flac</c>, or <c>aac</c> as raw ADTS.
    /// </summary>
    public static async Task EncodeToneAsync(string container, int sampleRateHz, int channels, double seconds, string path)
    {
        var expression = channels == 1
            ? "0.5*sin(2*PI*440*t)"
            : "0.5*sin(2*PI*440*t)|0.4*sin(2*PI*660*t)";
        var source = string.Create(CultureInfo.InvariantCulture, $"aevalsrc={expression}:s={sampleRateHz}:d={seconds}");
        string[] codec = container switch
        {
            "mp3" => ["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"],
            "flac" => ["-c:a", "flac", "-f", "flac"],
            "aac" => ["-c:a", "aac", "-b:a", "128k", "-f", "adts"],
            _ => throw new ArgumentOutOfRangeException(nameof(container), container, "mp3, flac or aac"),
        };
        await FfmpegTool.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, .. codec, path]);
    }

    /// <summary>ffmpeg's own decode of the whole file: interleaved 32-bit float PCM, no header.</summary>
    public static Task<byte[]> DecodeToF32Async(string path) =>
        FfmpegTool.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", path, "-c:a", "pcm_f32le", "-f", "f32le", "pipe:1"]);

    public static async Task<Probe> ProbeAsync(string path)
    {
        var json = await FfmpegTool.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name,sample_rate,channels:format=duration", "-of", "json", path]);
        using var document = JsonDocument.Parse(json);
        var stream = document.RootElement.GetProperty("streams")[0];
        return new Probe(
            stream.GetProperty("codec_name").GetString()!,
            int.Parse(stream.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture),
            stream.GetProperty("channels").GetInt32(),
            double.Parse(document.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture));
    }
}
