using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace AudioFunctions.Indexing;

/// <summary>
/// What a search leaves out: the tracks in <see cref="ExcludeIds"/> (compared ordinally, as a default
/// <see cref="HashSet{T}"/> of strings does), and tracks whose artist, album or genre differs from the
/// one given. Values compare case-insensitively after trimming; a track with several artists or genres
/// matches if any one of them equals. A null, empty or blank value sets no constraint.
/// </summary>
public sealed record SearchFilter(IReadOnlySet<string> ExcludeIds, string? Artist, string? Album, string? Genre)
{
    /// <summary>Excludes nothing.</summary>
    public static readonly SearchFilter None = new(FrozenSet<string>.Empty, null, null, null);

    /// <summary>
    /// Whether a track passes this filter. The reference semantics: indexes compile the filter into a
    /// faster form but must agree with this method.
    /// </summary>
    public bool Matches(TrackFilterFields fields, string trackId)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (ExcludeIds is { Count: > 0 } && ExcludeIds.Contains(trackId))
            return false;
        var album = Album;
        var artist = Artist;
        var genre = Genre;
        return (!Constrains(album) || SameValue(fields.Album, album))
               && (!Constrains(artist) || AnyEquals(fields.Artists, artist))
               && (!Constrains(genre) || AnyEquals(fields.Genres, genre));
    }

    /// <summary>Whether a filter value constrains anything: blank values do not.</summary>
    internal static bool Constrains([NotNullWhen(true)] string? value) => !string.IsNullOrWhiteSpace(value);

    private static bool AnyEquals(IReadOnlyList<string> values, string wanted)
    {
        for (var i = 0; i < values.Count; i++)
            if (SameValue(values[i], wanted))
                return true;
        return false;
    }

    private static bool SameValue(string? value, string wanted) =>
        value is not null && value.AsSpan().Trim().Equals(wanted.AsSpan().Trim(), StringComparison.OrdinalIgnoreCase);
}
