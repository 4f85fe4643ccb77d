namespace AudioFunctions.Tracks;

/// <summary>
/// A track as stored: its metadata, where it came from, and the embedding spaces that hold its audio and text
/// vectors (empty when it has none of that kind). A track gains a space when a re-embedding job fills it and
/// loses one when the space is deleted.
/// </summary>
public sealed record StoredTrack
{
    public required string TrackId { get; init; }

    public TrackMetadata Metadata { get; init; } = TrackMetadata.Empty;

    public required string SessionId { get; init; }

    public double DurationSeconds { get; init; }

    public int Windows { get; init; }

    public IReadOnlyList<string> AudioSpaces { get; init; } = [];

    public IReadOnlyList<string> TextSpaces { get; init; } = [];

    public DateTimeOffset StoredAt { get; init; }

    /// <summary>The spaces of <paramref name="collection"/>.</summary>
    public IReadOnlyList<string> Spaces(Indexing.VectorCollection collection) =>
        collection == Indexing.VectorCollection.Audio ? AudioSpaces : TextSpaces;

    /// <summary>This track with <paramref name="spaces"/> as the spaces of <paramref name="collection"/>.</summary>
    public StoredTrack WithSpaces(Indexing.VectorCollection collection, IReadOnlyList<string> spaces) =>
        collection == Indexing.VectorCollection.Audio ? this with { AudioSpaces = spaces } : this with { TextSpaces = spaces };
}
