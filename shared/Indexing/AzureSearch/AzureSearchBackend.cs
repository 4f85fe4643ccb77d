using System.Collections.Concurrent;
using AudioFunctions.Embedding;
using AudioFunctions.Tracks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using Azure.Search.Documents.Models;
using Microsoft.Extensions.Logging;

namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// Searches the tracks in Azure AI Search, one index per (collection, space) named by <see cref="AzureSearchIndexNames"/>,
/// one document per track vector. Searches are vector queries on an HNSW graph (approximate, tuned by
/// <see cref="AzureSearchOptions"/>) with the filter applied before the search; scores are turned back into cosines so
/// they match the embedded index. Writes cost one request per index touched, plus one listing of the indexes, since
/// other instances may have created indexes this one has not seen. Every write is noted in <see cref="Versions"/>, which
/// <see cref="AzureSearchReconciler"/> compares with the stored tracks to repair what an interrupted write left behind.
/// </summary>
public sealed partial class AzureSearchBackend : ITrackSearchBackend
{
    /// <summary>The REST version the client speaks: the newest that Azure.Search.Documents 11.5 knows.</summary>
    public const SearchClientOptions.ServiceVersion ServiceVersion = SearchClientOptions.ServiceVersion.V2023_11_01;

    private static readonly string[] SpaceOnly = [AzureSearchIndexDefinition.SpaceField];
    private static readonly string[] TrackIdOnly = [AzureSearchIndexDefinition.TrackIdField];

    private readonly AzureSearchOptions _options;
    private readonly ILogger<AzureSearchBackend> _logger;
    private readonly SearchIndexClient _indexes;

    /// <summary>Indexes of this deployment seen on the service or created here; the value is the space once known.</summary>
    private readonly ConcurrentDictionary<string, KnownIndex> _known = new(StringComparer.Ordinal);

    /// <summary>The track versions this instance knows the service holds, kept by every write through this backend.</summary>
    internal AzureSearchVersionLedger Versions { get; } = new();

    /// <summary>Indexes whose schema this instance has created or updated, so it does so once per index.</summary>
    private readonly ConcurrentDictionary<string, bool> _ensured = new(StringComparer.Ordinal);

    /// <param name="options">The service, the credentials and the HNSW and retry settings.</param>
    /// <param name="logger">Where index creation and failed document writes are reported.</param>
    /// <param name="credential">
    /// The identity to use when no API key is configured; null means <see cref="DefaultAzureCredential"/> (managed
    /// identity in Azure, developer sign-in locally).
    /// </param>
    public AzureSearchBackend(AzureSearchOptions options, ILogger<AzureSearchBackend> logger, TokenCredential? credential = null)
        : this(options, logger, credential, transport: null)
    {
    }

    /// <summary>As the public constructor, with the HTTP transport replaced (tests answer the requests themselves).</summary>
    internal AzureSearchBackend(AzureSearchOptions options, ILogger<AzureSearchBackend> logger, TokenCredential? credential, HttpPipelineTransport? transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _logger = logger;
        var endpoint = new Uri(options.Endpoint);
        var clientOptions = ClientOptions(options, transport);
        _indexes = string.IsNullOrWhiteSpace(options.ApiKey)
            ? new SearchIndexClient(endpoint, credential ?? new DefaultAzureCredential(), clientOptions)
            : new SearchIndexClient(endpoint, new AzureKeyCredential(options.ApiKey), clientOptions);
    }

    /// <summary>
    /// Creates the index of (collection, space), or updates its schema to the current settings, once per instance.
    /// Call at start-up for the active spaces; writes call it for any other space on first use.
    /// </summary>
    /// <exception cref="AzureSearchRequestException">The service refused the schema, e.g. an existing index of that name has other dimensions.</exception>
    public async Task EnsureIndexAsync(VectorCollection collection, EmbeddingSpace space, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        var name = AzureSearchIndexNames.For(_options.IndexPrefix, collection, space);
        if (_ensured.ContainsKey(name))
            return;
        var definition = AzureSearchIndexDefinition.Create(name, space, _options);
        await Call("create index", name, () => _indexes.CreateOrUpdateIndexAsync(definition, cancellationToken: cancellationToken)).ConfigureAwait(false);
        _known[name] = new KnownIndex(collection, space);
        _ensured[name] = true;
        IndexEnsured(_logger, name, space.Dimensions);
    }

    public async Task UpsertAsync(StoredTrack track, string version, IReadOnlyList<TrackVector> vectors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(vectors);
        var targets = new Dictionary<string, TrackVector>(StringComparer.Ordinal);
        foreach (var vector in vectors)
        {
            if (vector.Values.Length != vector.Space.Dimensions)
                throw new ArgumentException($"A vector of space {vector.Space.Id} has {vector.Values.Length} values, not {vector.Space.Dimensions}.", nameof(vectors));
            if (!targets.TryAdd(AzureSearchIndexNames.For(_options.IndexPrefix, vector.Collection, vector.Space), vector))
                throw new ArgumentException($"Track {track.TrackId} has two vectors in {vector.Collection.ToWireName()} space {vector.Space.Id}.", nameof(vectors));
        }

        Versions.BeginWrite(track.TrackId);
        var succeeded = false;
        try
        {
            await RefreshKnownIndexesAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (name, vector) in targets)
            {
                await EnsureIndexAsync(vector.Collection, vector.Space, cancellationToken).ConfigureAwait(false);
                var batch = IndexDocumentsBatch.MergeOrUpload([AzureSearchIndexDefinition.Document(track, version, vector, targets.Keys)]);
                await WriteAsync(name, batch, cancellationToken).ConfigureAwait(false);
            }

            // After the new vectors are in, so the track is never missing from a space it keeps.
            var key = AzureSearchIndexDefinition.DocumentKey(track.TrackId);
            foreach (var name in KnownNames())
                if (!targets.ContainsKey(name))
                    await DeleteAsync(name, key, cancellationToken).ConfigureAwait(false);
            succeeded = true;
        }
        finally
        {
            Versions.EndWrite(track.TrackId, version, succeeded);
        }
    }

    public async Task RemoveAsync(string trackId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trackId);
        Versions.BeginWrite(trackId);
        var succeeded = false;
        try
        {
            await RefreshKnownIndexesAsync(cancellationToken).ConfigureAwait(false);
            var key = AzureSearchIndexDefinition.DocumentKey(trackId);
            foreach (var name in KnownNames())
                await DeleteAsync(name, key, cancellationToken).ConfigureAwait(false);
            succeeded = true;
        }
        finally
        {
            Versions.EndWrite(trackId, version: null, succeeded);
        }
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(VectorCollection collection, EmbeddingSpace space, ReadOnlyMemory<float> query, int k, SearchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (query.Length != space.Dimensions)
            throw new ArgumentException($"The query has {query.Length} values; space {space.Id} has {space.Dimensions}.", nameof(query));

        var name = AzureSearchIndexNames.For(_options.IndexPrefix, collection, space);
        var options = new SearchOptions
        {
            VectorSearch = new VectorSearchOptions
            {
                Queries = { new VectorizedQuery(query) { KNearestNeighborsCount = k, Fields = { AzureSearchIndexDefinition.EmbeddingField } } },
                FilterMode = VectorFilterMode.PreFilter,
            },
            Filter = AzureSearchFilter.ToOData(filter),
            Size = k,
        };
        foreach (var field in TrackIdOnly)
            options.Select.Add(field);

        var hits = new List<SearchHit>(k);
        try
        {
            var response = await Call("search", name, () => _indexes.GetSearchClient(name).SearchAsync<SearchDocument>(null, options, cancellationToken)).ConfigureAwait(false);
            await foreach (var result in response.Value.GetResultsAsync().WithCancellation(cancellationToken).ConfigureAwait(false))
                hits.Add(new SearchHit(result.Document.GetString(AzureSearchIndexDefinition.TrackIdField), (float)AzureSearchScore.ToCosine(result.Score ?? 0)));
        }
        catch (AzureSearchRequestException e) when (e.Status == 404)
        {
            return []; // no track was ever written to this space
        }

        // The service orders by score only; equal scores are ordered by id, as the embedded index does.
        hits.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.TrackId, b.TrackId));
        return hits;
    }

    public async Task<IReadOnlyDictionary<EmbeddingSpace, long>> SpacesAsync(VectorCollection collection, CancellationToken cancellationToken)
    {
        await RefreshKnownIndexesAsync(cancellationToken).ConfigureAwait(false);
        var spaces = new Dictionary<EmbeddingSpace, long>();
        foreach (var (name, known) in _known.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            if (known.Collection != collection)
                continue;
            // One request gives both the count and, for a name that does not spell its space, a document naming it.
            var options = new SearchOptions { Size = 1, IncludeTotalCount = true };
            options.Select.Add(SpaceOnly[0]);
            SearchResults<SearchDocument> results;
            try
            {
                results = (await Call("count documents", name, () => _indexes.GetSearchClient(name).SearchAsync<SearchDocument>("*", options, cancellationToken)).ConfigureAwait(false)).Value;
            }
            catch (AzureSearchRequestException e) when (e.Status == 404)
            {
                _known.TryRemove(name, out _); // deleted since the listing
                continue;
            }
            var count = results.TotalCount ?? 0;
            if (count == 0)
                continue;
            var space = known.Space;
            if (space is null)
            {
                await foreach (var result in results.GetResultsAsync().WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (EmbeddingSpace.TryParse(result.Document.GetString(AzureSearchIndexDefinition.SpaceField), out var parsed))
                        space = parsed;
                    break;
                }
                if (space is null)
                    continue;
                _known[name] = known with { Space = space };
            }
            spaces[space] = count;
        }
        return spaces;
    }

    /// <summary>Adds the indexes of this deployment that exist on the service and forgets those that no longer do.</summary>
    private async Task RefreshKnownIndexesAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var name in _indexes.GetIndexNamesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!AzureSearchIndexNames.TryParse(_options.IndexPrefix, name, out var collection, out var space))
                    continue;
                seen.Add(name);
                _known.AddOrUpdate(name, new KnownIndex(collection, space), (_, old) => old.Space is null ? old with { Space = space } : old);
            }
        }
        catch (RequestFailedException e)
        {
            throw Failure("list indexes", "*", e);
        }
        foreach (var name in _known.Keys)
            if (!seen.Contains(name))
            {
                _known.TryRemove(name, out _);
                _ensured.TryRemove(name, out _);
            }
    }

    /// <summary>The known index names in ordinal order, so requests go out in a repeatable order.</summary>
    private string[] KnownNames()
    {
        var names = _known.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    private Task DeleteAsync(string indexName, string key, CancellationToken cancellationToken) =>
        WriteAsync(indexName, IndexDocumentsBatch.Delete(AzureSearchIndexDefinition.KeyField, [key]), cancellationToken, missingIndexIsEmpty: true);

    private async Task WriteAsync(string indexName, IndexDocumentsBatch<SearchDocument> batch, CancellationToken cancellationToken, bool missingIndexIsEmpty = false)
    {
        Response<IndexDocumentsResult> response;
        try
        {
            response = await Call("index documents", indexName, () => _indexes.GetSearchClient(indexName).IndexDocumentsAsync(batch, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (AzureSearchRequestException e) when (missingIndexIsEmpty && e.Status == 404)
        {
            _known.TryRemove(indexName, out _);
            return;
        }
        // A batch answers 200 or 207 with a status per document; a document that failed is a failed write.
        foreach (var result in response.Value.Results)
            if (!result.Succeeded)
            {
                DocumentRejected(_logger, indexName, result.Status, result.ErrorMessage);
                throw new AzureSearchRequestException("index documents", indexName, result.Status, null, result.ErrorMessage ?? "the document was not written");
            }
    }

    private static async Task<T> Call<T>(string operation, string indexName, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw Failure(operation, indexName, e);
        }
    }

    private static AzureSearchRequestException Failure(string operation, string indexName, RequestFailedException e)
    {
        // Azure.Core puts the service's error.message on the first line and the raw response after it.
        var detail = e.Message;
        var newline = detail.IndexOf('\n', StringComparison.Ordinal);
        if (newline > 0)
            detail = detail[..newline].TrimEnd('\r');
        return new AzureSearchRequestException(operation, indexName, e.Status, e.ErrorCode, detail, e);
    }

    private static SearchClientOptions ClientOptions(AzureSearchOptions options, HttpPipelineTransport? transport)
    {
        var client = new SearchClientOptions(ServiceVersion);
        // Azure.Core retries 408, 429, 500, 502, 503, 504 and network failures, waiting for Retry-After when given.
        client.Retry.Mode = RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds);
        client.Retry.MaxDelay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds * 32.0);
        if (transport is not null)
            client.Transport = transport;
        return client;
    }

    private sealed record KnownIndex(VectorCollection Collection, EmbeddingSpace? Space);

    [LoggerMessage(6301, LogLevel.Information, "Search index {IndexName} created or updated for {Dimensions} dimensions")]
    private static partial void IndexEnsured(ILogger logger, string indexName, int dimensions);

    [LoggerMessage(6302, LogLevel.Warning, "Search index {IndexName} rejected a document with status {Status}: {ErrorMessage}")]
    private static partial void DocumentRejected(ILogger logger, string indexName, int status, string? errorMessage);
}
