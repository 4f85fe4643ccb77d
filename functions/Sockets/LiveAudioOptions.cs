using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// Live-connection settings, section <c>LIVE_AUDIO</c>, named after the reference WebSocket API's
/// variables. The number of concurrent sessions is shared with the HTTP API
/// (<c>INSIGHT_STREAM__MAX_SESSIONS</c>), and so is the longest session (<c>INSIGHT_STREAM__MAX_SESSION_DURATION_S</c>).
/// </summary>
public sealed class LiveAudioOptions
{
    public const string Section = "LIVE_AUDIO";

    /// <summary>Largest binary message (one audio chunk) a connection may send; larger ones close it with 1009.</summary>
    [ConfigurationKeyName("MAX_MESSAGE_SIZE_BYTES")]
    [Range(1, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Connections one session may have at once (reconnects, or several senders).</summary>
    [ConfigurationKeyName("MAX_CONNECTIONS_PER_SESSION")]
    [Range(1, 1000)]
    public int MaxConnectionsPerSession { get; set; } = 5;

    /// <summary>
    /// A connection that sends nothing for this long is closed; it is also how long a connection's
    /// lease on its session lasts when its instance disappears without closing it.
    /// </summary>
    [ConfigurationKeyName("CONNECTION_TIMEOUT_SECONDS")]
    [Range(1, 24 * 3600)]
    public double ConnectionTimeoutSeconds { get; set; } = 300;

    /// <summary>Rate assumed when a new session names none (the reference's 44,100 Hz).</summary>
    [ConfigurationKeyName("DEFAULT_SAMPLE_RATE")]
    [Range(8000, 96_000)]
    public int DefaultSampleRateHz { get; set; } = 44_100;

    [ConfigurationKeyName("DEFAULT_CHANNELS")]
    [Range(1, 2)]
    public int DefaultChannels { get; set; } = 1;

    /// <summary>Format assumed when a new session names none (the reference's <c>wav</c>).</summary>
    [ConfigurationKeyName("DEFAULT_FORMAT")]
    [RegularExpression("^(wav|mp3|flac|aac|pcm_s16_le|pcm_s24_le|pcm_f32_le)$")]
    public string DefaultFormat { get; set; } = "wav";

    public TimeSpan ConnectionTimeout => TimeSpan.FromSeconds(ConnectionTimeoutSeconds);
}
