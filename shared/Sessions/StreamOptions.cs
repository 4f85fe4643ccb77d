using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Sessions;

/// <summary>
/// Stream-session settings, section <c>INSIGHT_STREAM</c>: the reference sidecar's variables
/// (<c>INSIGHT_STREAM__SESSION_TIMEOUT_S</c>, <c>__MAX_SESSIONS</c>, <c>__MIN_DURATION_S</c>) and ours.
/// </summary>
public sealed class StreamOptions
{
    public const string Section = "INSIGHT_STREAM";

    /// <summary>Inactivity after which a session expires.</summary>
    [ConfigurationKeyName("SESSION_TIMEOUT_S")]
    [Range(0.1, 7 * 24 * 3600)]
    public double SessionTimeoutSeconds { get; set; } = 300;

    /// <summary>Active sessions the whole service accepts at once (all instances together).</summary>
    [ConfigurationKeyName("MAX_SESSIONS")]
    [Range(1, 10_000)]
    public int MaxSessions { get; set; } = 100;

    /// <summary>Shortest audio that makes an audio embedding, unless <c>end</c> says otherwise.</summary>
    [ConfigurationKeyName("MIN_DURATION_S")]
    [Range(0, 3600)]
    public double MinDurationSeconds { get; set; } = 3.0;

    /// <summary>Largest frame body accepted; larger ones get 413.</summary>
    [ConfigurationKeyName("MAX_FRAME_BYTES")]
    [Range(1, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Longest a session may take audio, from its start; later chunks are refused (the reference's 24 h).</summary>
    [ConfigurationKeyName("MAX_SESSION_DURATION_S")]
    [Range(1, 30 * 24 * 3600)]
    public double MaxSessionDurationSeconds { get; set; } = 24 * 3600;

    /// <summary>Keep the audio of aborted and expired sessions instead of deleting it.</summary>
    [ConfigurationKeyName("KEEP_ABORTED_AUDIO")]
    public bool KeepAbortedAudio { get; set; }

    /// <summary>How often the local host runs the expiry sweep (in Azure the timer schedule rules).</summary>
    [ConfigurationKeyName("SWEEP_INTERVAL_S")]
    [Range(0.05, 3600)]
    public double SweepIntervalSeconds { get; set; } = 60;

    public TimeSpan SessionTimeout => TimeSpan.FromSeconds(SessionTimeoutSeconds);

    public TimeSpan MaxSessionDuration => TimeSpan.FromSeconds(MaxSessionDurationSeconds);
}
