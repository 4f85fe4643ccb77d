namespace AudioFunctions.Tracks;

/// <summary>What a client says about a track: the fields of the reference <c>metadata</c> map.</summary>
public sealed record TrackMetadata
{
    public static readonly TrackMetadata Empty = new();

    public string? Name { get; init; }

    public IReadOnlyList<string> Artists { get; init; } = [];

    public string? Album { get; init; }

    public IReadOnlyList<string> Genres { get; init; } = [];
}
