using System.Text;

namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// Compiles a <see cref="SearchFilter"/> into the OData <c>$filter</c> the service applies before the vector search
/// (<c>vectorFilterMode: preFilter</c>). The service compares strings exactly, so the metadata values are matched on
/// normalised copies (<see cref="AzureSearchIndexDefinition.FilterKey"/>) that reproduce the filter's trimmed,
/// case-insensitive comparison.
/// </summary>
public static class AzureSearchFilter
{
    /// <summary>
    /// Delimiters tried, in order, for <c>search.in</c>: the first that occurs in no excluded id separates them. Track ids
    /// holding all of them (or an empty id) are excluded one <c>ne</c> clause each instead.
    /// </summary>
    private static readonly char[] Delimiters = [',', '|', ';', '~', '^', '`', '\u001F'];

    /// <summary>The OData filter expression, or null when <paramref name="filter"/> constrains nothing.</summary>
    public static string? ToOData(SearchFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var clauses = new List<string>(4);
        if (filter.ExcludeIds is { Count: > 0 } excluded)
            clauses.Add(Exclusion(excluded));
        if (SearchFilter.Constrains(filter.Artist))
            clauses.Add($"{AzureSearchIndexDefinition.ArtistsKeyField}/any(a: a eq {Literal(AzureSearchIndexDefinition.FilterKey(filter.Artist))})");
        if (SearchFilter.Constrains(filter.Album))
            clauses.Add($"{AzureSearchIndexDefinition.AlbumKeyField} eq {Literal(AzureSearchIndexDefinition.FilterKey(filter.Album))}");
        if (SearchFilter.Constrains(filter.Genre))
            clauses.Add($"{AzureSearchIndexDefinition.GenresKeyField}/any(g: g eq {Literal(AzureSearchIndexDefinition.FilterKey(filter.Genre))})");
        return clauses.Count == 0 ? null : string.Join(" and ", clauses);
    }

    /// <summary>
    /// Filters that between them select the documents of <paramref name="trackIds"/>, each naming at most
    /// <paramref name="batchSize"/> of them: <c>search.in(trackId, 'a,b', ',')</c>, the ids grouped under the delimiter
    /// that the most of them lack (usually one group), and <c>trackId eq 'x'</c> for an id that holds every delimiter (or
    /// is empty). In sorted order, so equal sets of ids give equal requests.
    /// </summary>
    public static IEnumerable<string> TrackIdLookups(IEnumerable<string> trackIds, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(trackIds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var field = AzureSearchIndexDefinition.TrackIdField;
        var remaining = trackIds.Order(StringComparer.Ordinal).ToList();
        foreach (var id in remaining)
            if (id.Length == 0 || Array.TrueForAll(Delimiters, d => id.Contains(d, StringComparison.Ordinal)))
                yield return $"{field} eq {Literal(id)}";
        remaining.RemoveAll(id => id.Length == 0 || Array.TrueForAll(Delimiters, d => id.Contains(d, StringComparison.Ordinal)));
        while (remaining.Count > 0)
        {
            var delimiter = Delimiters.MaxBy(d => remaining.Count(id => !id.Contains(d, StringComparison.Ordinal)));
            var text = delimiter.ToString();
            var group = remaining.FindAll(id => !id.Contains(delimiter, StringComparison.Ordinal));
            foreach (var chunk in group.Chunk(batchSize))
                yield return $"search.in({field}, {Literal(string.Join(text, chunk))}, {Literal(text)})";
            remaining.RemoveAll(id => !id.Contains(delimiter, StringComparison.Ordinal));
        }
    }

    /// <summary>An OData string literal: single quotes around, inner quotes doubled.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Exclusion(IReadOnlySet<string> excluded)
    {
        // Sorted so that equal filters give equal requests.
        var ids = excluded.Order(StringComparer.Ordinal).ToArray();
        var field = AzureSearchIndexDefinition.TrackIdField;
        var delimiter = ChooseDelimiter(ids);
        if (delimiter is { } d)
            return $"not search.in({field}, {Literal(string.Join(d, ids))}, {Literal(d.ToString())})";
        var builder = new StringBuilder();
        foreach (var id in ids)
        {
            if (builder.Length > 0)
                builder.Append(" and ");
            builder.Append(field).Append(" ne ").Append(Literal(id));
        }
        return ids.Length == 1 ? builder.ToString() : $"({builder})";
    }

    private static char? ChooseDelimiter(string[] ids)
    {
        foreach (var id in ids)
            if (id.Length == 0)
                return null;
        foreach (var candidate in Delimiters)
        {
            var free = true;
            foreach (var id in ids)
                if (id.Contains(candidate, StringComparison.Ordinal))
                {
                    free = false;
                    break;
                }
            if (free)
                return candidate;
        }
        return null;
    }
}
