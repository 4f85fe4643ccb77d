using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// The Azure AI Search service that holds the searchable copies of the tracks' vectors (section <c>AZURE_SEARCH</c>,
/// e.g. <c>AZURE_SEARCH__ENDPOINT</c>). Without <see cref="ApiKey"/> the app authenticates with its identity
/// (token scope <c>https://search.azure.com/.default</c>): creating indexes needs the Search Service Contributor
/// role, writing documents Search Index Data Contributor, and the service must allow <c>aadOrApiKey</c>.
/// </summary>
public sealed class AzureSearchOptions
{
    public const string Section = "AZURE_SEARCH";

    /// <summary>The service URL, <c>https://{name}.search.windows.net</c>.</summary>
    [ConfigurationKeyName("ENDPOINT")]
    [Required]
    [RegularExpression(@"^https://[^\s/]+/?$", ErrorMessage = "AZURE_SEARCH__ENDPOINT must be the service's https URL, e.g. https://name.search.windows.net; the client refuses plain http.")]
    public string Endpoint { get; set; } = "";

    /// <summary>An admin key; when blank the app's identity is used instead. Never logged.</summary>
    [ConfigurationKeyName("API_KEY")]
    public string? ApiKey { get; set; }

    /// <summary>
    /// Starts every index name (<c>{prefix}-{collection}-{space}</c>), so several deployments can share one service.
    /// Index names allow lowercase letters, digits and single inner dashes, 128 characters in all; 40 leave room for
    /// the collection and the space.
    /// </summary>
    [ConfigurationKeyName("INDEX_PREFIX")]
    [Required]
    [RegularExpression("^[a-z0-9]+(-[a-z0-9]+)*$", ErrorMessage = "AZURE_SEARCH__INDEX_PREFIX may hold lowercase letters, digits and single inner hyphens only.")]
    [StringLength(40)]
    public string IndexPrefix { get; set; } = "audiofunctions";

    /// <summary>
    /// HNSW links per node, 4..10 as the service allows. The service's default is 4; 8 buys recall closer to the exact
    /// search of the embedded index for embeddings of a few hundred dimensions, at about twice the graph memory.
    /// </summary>
    [ConfigurationKeyName("HNSW_M")]
    [Range(4, 10)]
    public int HnswM { get; set; } = 8;

    /// <summary>Candidate list size while building the graph, 100..1000 (the service's default, 400).</summary>
    [ConfigurationKeyName("HNSW_EF_CONSTRUCTION")]
    [Range(100, 1000)]
    public int HnswEfConstruction { get; set; } = 400;

    /// <summary>Candidate list size while searching, 100..1000 (the service's default, 500); larger is slower and closer to exact.</summary>
    [ConfigurationKeyName("HNSW_EF_SEARCH")]
    [Range(100, 1000)]
    public int HnswEfSearch { get; set; } = 500;

    /// <summary>
    /// Retries of a request the service throttled (429) or could not serve (408, 500, 502, 503, 504, or a network
    /// failure); Azure.Core retries exactly those by default and honours their <c>Retry-After</c>.
    /// </summary>
    [ConfigurationKeyName("MAX_RETRIES")]
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay when the service names none; later ones back off exponentially, up to 32 times this.</summary>
    [ConfigurationKeyName("RETRY_DELAY_MS")]
    [Range(1, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 800;
}
