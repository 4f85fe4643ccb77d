using System.Text.Json.Nodes;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>One request as it left the client: method, URL parts, headers (names lower-cased) and body.</summary>
internal sealed record CapturedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    /// <summary>The path as sent, with OData key syntax and escapes kept (e.g. <c>/indexes('a')/docs/search.post.search</c>).</summary>
    public string Path => Uri.AbsolutePath;

    public string? Query(string name)
    {
        foreach (var part in Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var key = Uri.UnescapeDataString(equals < 0 ? part : part[..equals]);
            if (key == name)
                return equals < 0 ? "" : Uri.UnescapeDataString(part[(equals + 1)..]);
        }
        return null;
    }

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    public JsonNode Json => JsonNode.Parse(Body ?? throw new InvalidOperationException($"{Method} {Path} has no body."))!;
}
