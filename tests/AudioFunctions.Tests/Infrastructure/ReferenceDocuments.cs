namespace AudioFunctions.Tests.Infrastructure;

/// <summary>Reads the reference documents that sit beside the repository (<c>../shared/reference</c>).</summary>
public static class ReferenceDocuments
{
    public static string Folder => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "reference"));

    /// <summary>
    /// The <c>InsightClient</c> class of reference 000's Python example, exactly as printed: from its
    /// imports to the line before the example's usage.
    /// </summary>
    public static string InsightClientSource()
    {
        if (!Directory.Exists(Folder))
            throw new InvalidOperationException($"The reference documents are not at {Folder}: the repository expects the shared/ folder beside it.");
        var path = Directory.EnumerateFiles(Folder, "000_*.txt").SingleOrDefault()
            ?? throw new InvalidOperationException($"Reference 000 is not in {Folder}.");
        var text = File.ReadAllText(path);
        var start = text.IndexOf("```python", StringComparison.Ordinal);
        var end = text.IndexOf("# Usage in MA provider", start, StringComparison.Ordinal);
        if (start < 0 || end < 0)
            throw new InvalidOperationException($"{path} no longer holds the InsightClient example.");
        return text[(start + "```python".Length)..end].Trim() + "\n";
    }
}
