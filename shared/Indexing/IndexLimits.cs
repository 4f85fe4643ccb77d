namespace AudioFunctions.Indexing;

/// <summary>
/// Bounds on what an index stores. They exist so a snapshot reader can refuse a corrupted length before
/// allocating for it, and so that anything the index accepts can also be read back.
/// </summary>
internal static class IndexLimits
{
    /// <summary>Largest embedding width; real embedders use a few hundred to a few thousand.</summary>
    public const int MaxDimensions = 65_536;

    /// <summary>Longest track id, version tag or field value, in UTF-16 characters.</summary>
    public const int MaxStringChars = 65_536;

    /// <summary>Longest UTF-8 encoding of such a string: at most 3 bytes per UTF-16 character.</summary>
    public const int MaxStringBytes = 3 * MaxStringChars;

    /// <summary>Most artists or genres one track may carry.</summary>
    public const int MaxFieldValues = 4_096;

    public static void ValidateSpaceDimensions(int dimensions, string paramName)
    {
        if (dimensions is < 1 or > MaxDimensions)
            throw new ArgumentException($"Embedding spaces have 1 to {MaxDimensions} dimensions, not {dimensions}.", paramName);
    }

    public static void ValidateString(string value, string paramName)
    {
        if (value.Length > MaxStringChars)
            throw new ArgumentException($"At most {MaxStringChars} characters are stored, not {value.Length}.", paramName);
    }

    public static void ValidateFields(TrackFilterFields fields, string paramName)
    {
        ArgumentNullException.ThrowIfNull(fields, paramName);
        ValidateValues(fields.Artists, paramName);
        ValidateValues(fields.Genres, paramName);
        if (fields.Album is { } album)
            ValidateString(album, paramName);
    }

    private static void ValidateValues(IReadOnlyList<string> values, string paramName)
    {
        if (values is null)
            throw new ArgumentException("Artists and genres must be lists (empty for none), not null.", paramName);
        if (values.Count > MaxFieldValues)
            throw new ArgumentException($"A track carries at most {MaxFieldValues} artists or genres, not {values.Count}.", paramName);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
                throw new ArgumentException("Artists and genres must not contain null.", paramName);
            ValidateString(values[i], paramName);
        }
    }

    /// <summary>The checks every index makes on an upsert's track id, version tag and filter fields.</summary>
    public static void ValidateEntry(string trackId, string versionTag, TrackFilterFields fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(trackId);
        ValidateString(trackId, nameof(trackId));
        ArgumentNullException.ThrowIfNull(versionTag);
        ValidateString(versionTag, nameof(versionTag));
        ValidateFields(fields, nameof(fields));
    }
}
