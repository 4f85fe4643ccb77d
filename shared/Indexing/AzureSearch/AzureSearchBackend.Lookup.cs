using Azure.Search.Documents;
using Azure.Search.Documents.Models;
using Microsoft.Extensions.Logging;

namespace AudioFunctions.Indexing.AzureSearch;

public sealed partial class AzureSearchBackend
{
    /// <summary>
    /// How many track ids one lookup names. A lookup returns at most one document per id (the key is the track), so it
    /// asks for as many results; 500 keeps the filter text well inside the service's request limits.
    /// </summary>
    public const int LookupBatchSize = 500;

    private static readonly string[] LookupFields =
        [AzureSearchIndexDefinition.TrackIdField, AzureSearchIndexDefinition.VersionField, AzureSearchIndexDefinition.TrackIndexesField];

    /// <summary>
    /// Of the tracks in <paramref name="versions"/> (track id to the version of its stored document), those the service
    /// holds completely at that version: every document of the track, in any index of this deployment, carries the version,
    /// and they are in exactly the indexes that version was written to. A track found nowhere is not current (it may
    /// also be a track without vectors; writing it again settles that). Confirms the current ones in
    /// <see cref="Versions"/> unless they were written since <paramref name="listedAt"/>.
    /// Cost: one listing of the indexes, then one search per index per <see cref="LookupBatchSize"/> ids.
    /// </summary>
    /// <exception cref="AzureSearchRequestException">The service could not be asked.</exception>
    internal async Task<IReadOnlySet<string>> FindCurrentAsync(IReadOnlyDictionary<string, string> versions, long listedAt, CancellationToken cancellationToken)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        if (versions.Count == 0)
            return current;
        await RefreshKnownIndexesAsync(cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, List<FoundDocument>>(StringComparer.Ordinal);
        foreach (var name in KnownNames())
        {
            // An index made by an older schema lacks the field the lookup reads: bring it up to date first. One whose
            // space is not known yet cannot be; if it refuses the lookup, its tracks look incomplete and are written
            // again, which updates it.
            var ensured = false;
            if (_known.TryGetValue(name, out var known) && known.Space is { } space)
            {
                await EnsureIndexAsync(known.Collection, space, cancellationToken).ConfigureAwait(false);
                ensured = true;
            }
            foreach (var filter in AzureSearchFilter.TrackIdLookups(versions.Keys, LookupBatchSize))
                if (!await LookUpAsync(name, filter, found, ensured, cancellationToken).ConfigureAwait(false))
                    break;
        }

        foreach (var (trackId, version) in versions)
            if (found.TryGetValue(trackId, out var documents) && IsComplete(documents, version)
                && Versions.ConfirmUnlessChangedSince(trackId, version, listedAt))
                current.Add(trackId);
        return current;
    }

    /// <summary>
    /// Adds the documents one filter selects in one index to <paramref name="found"/>; false when the index is gone, or
    /// refused the lookup before its schema was <paramref name="ensured"/>.
    /// </summary>
    private async Task<bool> LookUpAsync(string indexName, string filter, Dictionary<string, List<FoundDocument>> found, bool ensured, CancellationToken cancellationToken)
    {
        var options = new SearchOptions { Filter = filter, Size = LookupBatchSize };
        foreach (var field in LookupFields)
            options.Select.Add(field);
        SearchResults<SearchDocument> results;
        try
        {
            results = (await Call("look up versions", indexName, () => _indexes.GetSearchClient(indexName).SearchAsync<SearchDocument>("*", options, cancellationToken)).ConfigureAwait(false)).Value;
        }
        catch (AzureSearchRequestException e) when (e.Status == 404)
        {
            _known.TryRemove(indexName, out _); // deleted since the listing: it holds nothing
            return false;
        }
        catch (AzureSearchRequestException e) when (e.Status == 400 && !ensured)
        {
            LookupRefused(_logger, indexName, e.Message);
            return false;
        }
        await foreach (var result in results.GetResultsAsync().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var document = result.Document;
            if (document.GetString(AzureSearchIndexDefinition.TrackIdField) is not { } trackId)
                continue;
            if (!found.TryGetValue(trackId, out var documents))
                found[trackId] = documents = [];
            documents.Add(new FoundDocument(indexName, document.GetString(AzureSearchIndexDefinition.VersionField), Strings(document, AzureSearchIndexDefinition.TrackIndexesField)));
        }
        return true;
    }

    private static bool IsComplete(List<FoundDocument> documents, string version)
    {
        // Every document names the same set of indexes (one write made them all), so the first one's set is the target.
        if (documents[0].TrackIndexes is not { } expected || expected.Count != documents.Count)
            return false;
        foreach (var document in documents)
            if (document.Version != version || !expected.Contains(document.IndexName)
                || document.TrackIndexes is null || !document.TrackIndexes.SetEquals(expected))
                return false;
        return true;
    }

    /// <summary>A string collection field of a result, or null when the document lacks it (written by an older schema).</summary>
    private static HashSet<string>? Strings(SearchDocument document, string field)
    {
        if (!document.TryGetValue(field, out var value) || value is not IEnumerable<object> items)
            return null;
        var strings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
            if (item is string text)
                strings.Add(text);
        return strings;
    }

    [LoggerMessage(6303, LogLevel.Warning, "Search index {IndexName} refused a version lookup ({Reason}); its tracks are written again")]
    private static partial void LookupRefused(ILogger logger, string indexName, string reason);

    private sealed record FoundDocument(string IndexName, string? Version, HashSet<string>? TrackIndexes);
}
