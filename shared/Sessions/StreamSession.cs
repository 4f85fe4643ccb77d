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

    public required StreamAudioFormat Format { get; init; }

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

    public double BufferedSeconds => Format.SecondsIn(TotalBytes);

    public bool IsTerminal => Status is SessionStatus.Completed or SessionStatus.Aborted or SessionStatus.Error;
}
