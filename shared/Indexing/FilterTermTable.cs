namespace AudioFunctions.Indexing;

/// <summary>
/// Gives each distinct artist, album or genre value of a partition a small integer, so the search scan
/// compares integers instead of strings. Values are keyed trimmed and case-insensitively (ordinal), the
/// same equality as <see cref="SearchFilter.Matches"/>. Terms are never forgotten while the partition
/// lives (a removed track's values stay); a snapshot load rebuilds the table from live tracks only.
/// Not thread-safe: the owning partition's lock guards it.
/// </summary>
internal sealed class FilterTermTable
{
    /// <summary>The term of an absent or blank value, which no filter value equals.</summary>
    public const int NoTerm = -1;

    private readonly Dictionary<string, int> _terms = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public FilterTermTable() => _bySpan = _terms.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Intern(string? value)
    {
        var key = value.AsSpan().Trim();
        if (key.IsEmpty)
            return NoTerm;
        if (_bySpan.TryGetValue(key, out var term))
            return term;
        term = _terms.Count;
        _terms.Add(key.ToString(), term);
        return term;
    }

    /// <summary>The distinct terms of <paramref name="values"/>, without <see cref="NoTerm"/>.</summary>
    public int[] Intern(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
            return [];
        var terms = new int[values.Count];
        var count = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var term = Intern(values[i]);
            if (term != NoTerm && Array.IndexOf(terms, term, 0, count) < 0)
                terms[count++] = term;
        }
        return count == terms.Length ? terms : terms[..count];
    }

    /// <summary>
    /// Resolves a filter value. True with <see cref="NoTerm"/> when the value constrains nothing, true
    /// with its term when some track has (or had) it, false when no track can match it.
    /// </summary>
    public bool TryResolve(string? filterValue, out int term)
    {
        term = NoTerm;
        if (!SearchFilter.Constrains(filterValue))
            return true;
        return _bySpan.TryGetValue(filterValue.AsSpan().Trim(), out term);
    }
}
