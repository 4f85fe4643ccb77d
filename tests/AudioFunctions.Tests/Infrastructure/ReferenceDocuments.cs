namespace AudioFunctions.Tests.Infrastructure;

/// <summary>Reads the reference documents that sit beside the repository (<c>../shared/reference</c>).</summary>
public static class ReferenceDocuments
{
    private const string PythonFence = "```python";
    private const string Fence = "```";

    public static string Folder => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "reference"));

    /// <summary>
    /// The <c>InsightClient</c> class of reference 000's Python example, exactly as printed: from its
    /// imports to the line before the example's usage.
    /// </summary>
    public static string InsightClientSource()
    {
        var (path, text) = Read("000");
        var start = text.IndexOf(PythonFence, StringComparison.Ordinal);
        var end = text.IndexOf("# Usage in MA provider", start, StringComparison.Ordinal);
        if (start < 0 || end < 0)
            throw new InvalidOperationException($"{path} no longer holds the InsightClient example.");
        return text[(start + PythonFence.Length)..end].Trim() + "\n";
    }

    /// <summary>
    /// The Python code block that follows the heading <c>#### {heading}</c> in reference 001 (the live
    /// audio WebSocket API), whole and exactly as printed, usage lines included.
    /// </summary>
    public static string LiveAudioPythonExample(string heading)
    {
        var (path, text) = Read("001");
        var marker = "#### " + heading + "\n";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        var start = at < 0 ? -1 : text.IndexOf(PythonFence + "\n", at, StringComparison.Ordinal);
        // The block ends at the first fence at the start of a line: the code holds none of its own.
        var end = start < 0 ? -1 : text.IndexOf("\n" + Fence + "\n", start + PythonFence.Length, StringComparison.Ordinal);
        if (end < 0)
            throw new InvalidOperationException($"{path} no longer holds a Python example under \"{heading}\".");
        return text[(start + PythonFence.Length + 1)..(end + 1)];
    }

    private static (string Path, string Text) Read(string number)
    {
        if (!Directory.Exists(Folder))
            throw new InvalidOperationException($"The reference documents are not at {Folder}: the repository expects the shared/ folder beside it.");
        var path = Directory.EnumerateFiles(Folder, number + "_*.txt").SingleOrDefault()
            ?? throw new InvalidOperationException($"Reference {number} is not in {Folder}.");
        return (path, File.ReadAllText(path));
    }
}
