namespace AudioFunctions.Indexing;

/// <summary>
/// A search filter compiled against one partition: terms as integers (<see cref="FilterTermTable.NoTerm"/>
/// when unconstrained) and excluded track ids as sorted node numbers. Decides which nodes may enter results;
/// every node may still be walked through.
/// </summary>
internal readonly struct NodeFilter
{
    private NodeFilter(int album, int artist, int genre, int[]? excluded, bool admitDeleted, int self)
    {
        Album = album;
        Artist = artist;
        Genre = genre;
        Excluded = excluded;
        AdmitDeleted = admitDeleted;
        Self = self;
    }

    public int Album { get; }

    public int Artist { get; }

    public int Genre { get; }

    /// <summary>Excluded nodes, sorted ascending; null when none.</summary>
    public int[]? Excluded { get; }

    /// <summary>True while inserting: deleted nodes still make good neighbours.</summary>
    public bool AdmitDeleted { get; }

    /// <summary>A node never admitted (the one being inserted), or −1.</summary>
    public int Self { get; }

    public bool HasTerms => Album != FilterTermTable.NoTerm || Artist != FilterTermTable.NoTerm || Genre != FilterTermTable.NoTerm;

    public bool IsSelective => HasTerms || Excluded is not null;

    /// <summary>Every node except <paramref name="self"/>, deleted or not: the filter of an insert.</summary>
    public static NodeFilter AdmitAll(int self) => new(FilterTermTable.NoTerm, FilterTermTable.NoTerm, FilterTermTable.NoTerm, null, true, self);

    public static NodeFilter Live(int album, int artist, int genre, int[]? excluded) => new(album, artist, genre, excluded, false, -1);
}
