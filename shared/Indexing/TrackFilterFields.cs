using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>
/// Fields a search can filter on, taken from the track's metadata. Values are kept as the client
/// wrote them; <see cref="SearchFilter"/> compares them trimmed and case-insensitively.
/// </summary>
public sealed record TrackFilterFields(IReadOnlyList<string> Artists, string? Album, IReadOnlyList<string> Genres)
{
    /// <summary>The filter fields of <paramref name="metadata"/>, with the lists copied so later changes to them do not reach the index.</summary>
    public static TrackFilterFields From(TrackMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new TrackFilterFields([.. metadata.Artists], metadata.Album, [.. metadata.Genres]);
    }
}
