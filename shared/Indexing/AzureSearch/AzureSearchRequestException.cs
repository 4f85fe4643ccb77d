namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// A request the search service refused or could not serve after its retries. <see cref="Status"/> is the HTTP status
/// (0 when no response came), <see cref="ErrorCode"/> the service's <c>error.code</c> when it gave one.
/// </summary>
public sealed class AzureSearchRequestException(string operation, string indexName, int status, string? errorCode, string detail, Exception? inner = null)
    : Exception($"Azure AI Search {operation} on index '{indexName}' failed with status {status}{(errorCode is null ? "" : $" ({errorCode})")}: {detail}", inner)
{
    /// <summary>What was attempted: <c>create index</c>, <c>index documents</c>, <c>search</c>, <c>count documents</c>, <c>look up versions</c>, <c>list indexes</c>.</summary>
    public string Operation { get; } = operation;

    public string IndexName { get; } = indexName;

    public int Status { get; } = status;

    public string? ErrorCode { get; } = errorCode;

    /// <summary>Whether trying again later may succeed: throttling or an unavailable service.</summary>
    public bool IsTransient => Status is 0 or 408 or 429 or 500 or 502 or 503 or 504;
}
