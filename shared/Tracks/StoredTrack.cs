namespace AudioFunctions.Tracks;

/// <summary>
/// A track as stored: its metadata, where it came from, and which embedding spaces hold its
/// audio and text vectors (null when it has none of that kind).
/// </summary>
public sealed record StoredTrack
{
    public required string TrackId { get; init; }

    public TrackMetadata Metadata { get; init; } = TrackMetadata.Empty;

    public required string SessionId { get; init; }

    public double DurationSeconds { get; init; }

    public int Windows { get; init; }

    public string? AudioSpace { get; init; }

    public string? TextSpace { get; init; }

    public DateTimeOffset StoredAt { get; init; }
}
