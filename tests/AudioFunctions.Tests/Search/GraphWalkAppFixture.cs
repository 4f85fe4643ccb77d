using System.Collections.ObjectModel;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Search;

/// <summary>
/// The app with the graph index walking its graph however small a space or selective a filter is (by default
/// spaces under 2,000 vectors are scanned exactly), so app-level tests reach the walk and its filters.
/// </summary>
public sealed class GraphWalkAppFixture : AppFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new ReadOnlyDictionary<string, string?>(new Dictionary<string, string?>
        {
            ["INDEX__KIND"] = "hnsw",
            ["INDEX__HNSW_EXACT_BELOW"] = "0",
            ["INDEX__HNSW_FILTERED_EXACT_BELOW"] = "0",
        });
}
