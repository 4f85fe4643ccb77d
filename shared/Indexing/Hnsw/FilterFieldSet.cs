namespace AudioFunctions.Indexing;

/// <summary>
/// One distinct combination of a track's filter terms (album, artists, genres as <see cref="FilterTermTable"/>
/// integers). Tracks share combinations, so a node stores only the combination's number (4 bytes).
/// </summary>
internal sealed class FilterFieldSet(int album, int[] artists, int[] genres)
{
    public int Album { get; } = album;

    public int[] Artists { get; } = artists;

    public int[] Genres { get; } = genres;

    /// <summary>The key under which equal combinations meet: terms in the order the track gave them.</summary>
    public static string KeyOf(int album, int[] artists, int[] genres) =>
        string.Concat(album.ToString(System.Globalization.CultureInfo.InvariantCulture), "|", string.Join(',', artists), "|", string.Join(',', genres));

    /// <summary>Whether the combination carries every constrained term (<see cref="FilterTermTable.NoTerm"/> constrains nothing).</summary>
    public bool Matches(int album, int artist, int genre) =>
        (album == FilterTermTable.NoTerm || Album == album)
        && (artist == FilterTermTable.NoTerm || Artists.AsSpan().Contains(artist))
        && (genre == FilterTermTable.NoTerm || Genres.AsSpan().Contains(genre));
}
