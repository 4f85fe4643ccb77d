using AudioFunctions.Audio;
using AudioFunctions.Tracks;

namespace AudioFunctions.Sessions;

/// <summary>
/// The stored record of one stream session: the only session state there is. Every change is
/// a compare-and-swap on the record's ETag, so any instance can serve any request.
/// </summary>
public sealed record StreamSession
{
    public required string SessionId { get; init; }

    public required string TrackId { get; init; }

    public TrackMetadata Metadata { get; init; } = TrackMetadata.Empty;

    /// <summary>
    /// The PCM shape of the stored bytes. For a WAV stream it is the declared one until the header
    /// has been read, then the header's; for a compressed stream it is what was declared, and the
    /// decoded audio's shape is in <see cref="Decoded"/>.
    /// </summary>
    public required StreamAudioFormat Format { get; init; }

    /// <summary>How the client packages its bytes; PCM unless the session was opened for WAV or a compressed format.</summary>
    public AudioContainer Container { get; init; } = AudioContainer.Pcm;

    /// <summary>Who opened the session, as the client named itself (WebSocket <c>user_id</c>), or null.</summary>
    public string? UserId { get; init; }

    /// <summary>A WAV stream whose header is still being read: the header bytes received so far.</summary>
    public WavHeaderProgress? WavHeader { get; init; }

    /// <summary>
    /// Length of the WAV header's data chunk: the stored bytes are its first bytes, and bytes past it
    /// (trailing chunks) are not audio. Null when the stream is not WAV or its data length is open.
    /// </summary>
    public long? WavDataBytes { get; init; }

    /// <summary>The PCM made from a compressed stream once it has been decoded, or null.</summary>
    public DecodedAudio? Decoded { get; init; }

    /// <summary>Live connections streaming into the session (WebSocket or Web PubSub), each with its lease.</summary>
    public IReadOnlyList<SessionConnection> Connections { get; init; } = [];

    /// <summary>The blob holding the session's whole audio as one WAV file, once assembled.</summary>
    public string? WavBlob { get; init; }

    public SessionStatus Status { get; init; } = SessionStatus.Active;

    /// <summary>Why the session is no longer active (<see cref="SessionReasons"/>), or null.</summary>
    public string? Reason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Time of the last accepted frame or start; inactivity is measured from here.</summary>
    public required DateTimeOffset LastActivityAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Sequence number the next new frame gets; equals the number of frames accepted.</summary>
    public long NextSeq { get; init; }

    public IReadOnlyList<AudioSegment> Segments { get; init; } = [];

    /// <summary>Acknowledged audio bytes: the sum of the segments' committed bytes.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long TotalBytes
    {
        get
        {
            long total = 0;
            for (var i = 0; i < Segments.Count; i++)
                total += Segments[i].Bytes;
            return total;
        }
    }

    /// <summary>Samples between window starts at 48 kHz, fixed at start (480,000 = no overlap).</summary>
    public int HopSamples { get; init; } = Audio.AudioWindow.Samples;

    /// <summary>Audio bytes already announced to the window step; the next step is due a hop of audio later.</summary>
    public long WindowStepQueuedAtBytes { get; init; }

    /// <summary>Indices of the windows whose vectors are stored, ascending.</summary>
    public IReadOnlyList<int> EmbeddedWindows { get; init; } = [];

    public int WindowsCompleted => EmbeddedWindows.Count;

    /// <summary>What the client asked for at <c>end</c>, once it has.</summary>
    public EndStreamCommand? End { get; init; }

    /// <summary>The answer <c>end</c> gave, once the session has ended.</summary>
    public StreamEndResult? Result { get; init; }

    /// <summary>Seconds of whole sample frames of PCM so far (0 for a compressed stream not yet decoded).</summary>
    public double BufferedSeconds => Container.IsCompressed() && Decoded is null ? 0 : PcmFormat.SecondsIn(PcmBytes);

    /// <summary>The shape of the PCM the pipeline windows: the decoded audio's, or the stored bytes'.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public StreamAudioFormat PcmFormat => Decoded?.Format ?? Format;

    /// <summary>PCM bytes the pipeline may window: the decoded audio's length, or the acknowledged bytes.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long PcmBytes => Decoded?.Bytes ?? (Container.IsCompressed() ? 0 : TotalBytes);

    /// <summary>A compressed stream that must go through the decoder before its audio can be windowed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AwaitsDecoding => Container.IsCompressed() && Decoded is null;

    public bool IsTerminal => Status is SessionStatus.Completed or SessionStatus.Aborted or SessionStatus.Error;
}
