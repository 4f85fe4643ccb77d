using AudioFunctions.Tracks;

namespace AudioFunctions.Embedding;

/// <summary>A track's metadata as the one text that <see cref="ITextEmbedder"/>s embed for it.</summary>
public static class TrackText
{
    /// <summary>
    /// Name, artists, album and genres, in that order, as sentences: "Bohemian Rhapsody. Queen. A Night at the
    /// Opera. Rock, Progressive Rock". Artists and genres are joined with ", "; parts and entries are trimmed, and
    /// empty ones left out, so empty metadata gives "".
    /// </summary>
    public static string Render(TrackMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var parts = new List<string>(4);
        Add(parts, metadata.Name);
        Add(parts, Join(metadata.Artists));
        Add(parts, metadata.Album);
        Add(parts, Join(metadata.Genres));
        return string.Join(". ", parts);
    }

    private static void Add(List<string> parts, string? part)
    {
        if (!string.IsNullOrWhiteSpace(part))
            parts.Add(part.Trim());
    }

    private static string Join(IReadOnlyList<string>? entries)
    {
        if (entries is null)
            return "";
        var kept = new List<string>(entries.Count);
        foreach (var entry in entries)
            if (!string.IsNullOrWhiteSpace(entry))
                kept.Add(entry.Trim());
        return string.Join(", ", kept);
    }
}
