namespace AudioFunctions.Indexing;

/// <summary>
/// A search filter compiled against one partition: terms as integers (<see cref="FilterTermTable.NoTerm"/>
/// when unconstrained) and the excluded track ids. Decides which nodes may enter results; every node may still be
/// walked through. Exclusion goes by a node's track id, not by node numbers resolved up front: a track replaced
/// while the query runs has two nodes for a moment, and both must stay out.
/// </summary>
internal readonly struct NodeFilter
{
    private NodeFilter(int album, int artist, int genre, IReadOnlySet<string>? excludedIds, bool admitDeleted, int self)
    {
        ExcludedIds = excludedIds;
        Album = album;
        Artist = artist;
        Genre = genre;
        AdmitDeleted = admitDeleted;
        Self = self;
    }

    public int Album { get; }

    public int Artist { get; }

    public int Genre { get; }

    /// <summary>The excluded track ids; null when none.</summary>
    public IReadOnlySet<string>? ExcludedIds { get; }

    /// <summary>True while inserting: deleted nodes still make good neighbours.</summary>
    public bool AdmitDeleted { get; }

    /// <summary>A node never admitted (the one being inserted), or −1.</summary>
    public int Self { get; }

    public bool HasTerms => Album != FilterTermTable.NoTerm || Artist != FilterTermTable.NoTerm || Genre != FilterTermTable.NoTerm;

    public bool IsSelective => HasTerms || ExcludedIds is not null;

    /// <summary>Every node except <paramref name="self"/>, deleted or not: the filter of an insert.</summary>
    public static NodeFilter AdmitAll(int self) => new(FilterTermTable.NoTerm, FilterTermTable.NoTerm, FilterTermTable.NoTerm, null, true, self);

    public static NodeFilter Live(int album, int artist, int genre, IReadOnlySet<string>? excludedIds) =>
        new(album, artist, genre, excludedIds, false, -1);
}
