using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Audio;

/// <summary>
/// How compressed audio (MP3, FLAC, AAC) is decoded, section <c>FFMPEG</c>: the reference's
/// <c>FFMPEG_LOGLEVEL</c> becomes <c>FFMPEG__LOGLEVEL</c>, next to the executable and a time limit.
/// </summary>
public sealed class FfmpegOptions
{
    public const string Section = "FFMPEG";

    /// <summary>The ffmpeg executable: a name looked up on PATH, or a full path.</summary>
    [ConfigurationKeyName("PATH")]
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "ffmpeg";

    /// <summary>
    /// ffmpeg's <c>-loglevel</c>. Its standard error is kept only to explain a failure, so the
    /// default keeps errors alone; <c>quiet</c> or <c>panic</c> leave failures without a reason.
    /// </summary>
    [ConfigurationKeyName("LOGLEVEL")]
    [Required]
    [AllowedValues("quiet", "panic", "fatal", "error", "warning", "info", "verbose", "debug", "trace")]
    public string LogLevel { get; set; } = "error";

    /// <summary>
    /// Longest one decode may take, from the first byte read to ffmpeg's exit. ffmpeg decodes MP3,
    /// FLAC and AAC at hundreds of times real time, so the default covers hours of audio; a decode
    /// that takes longer is stuck, and its process is killed.
    /// </summary>
    [ConfigurationKeyName("TIMEOUT_S")]
    [Range(1, 3600)]
    public double TimeoutSeconds { get; set; } = 120;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
