using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// An in-memory Azure AI Search service speaking the REST protocol of api-version 2023-11-01, for the parts the backend
/// uses: list indexes (<c>GET /indexes?$select=name</c>), create or update an index (<c>PUT /indexes('name')</c>), index
/// documents (<c>upload</c>, <c>merge</c>, <c>mergeOrUpload</c>, <c>delete</c>) and search (a vector query with
/// <c>preFilter</c>, or <c>search=*</c> with a count or a filter such as <c>search.in(trackId, 'a,b', ',')</c>, returning
/// the <c>select</c>ed fields). Updating an index may add fields but not change or drop them. It checks authentication, the api-version, the index schema and every
/// request body, and answers what it does not recognise with 400 and an OData error body, so the backend is held to the
/// documented protocol. Vector search here is exact, scored as the service documents for cosine:
/// <c>@search.score = 1 / (1 + (1 - cos))</c>; equal scores come back in descending key order, so callers that want a
/// stable order must sort themselves.
/// </summary>
internal sealed partial class FakeAzureSearchService(string apiKey, string? bearerToken = null)
{
    public const string ApiVersion = "2023-11-01";

    private static readonly HashSet<string> VectorSearchKeys = ["vectorQueries", "vectorFilterMode", "filter", "top", "select", "count", "search"];

    private readonly Dictionary<string, FakeIndex> _indexes = new(StringComparer.Ordinal);
    private readonly Queue<CannedResponse> _faults = new();
    private readonly Lock _gate = new();

    /// <summary>The transport that carries requests to this service, recording them on the way.</summary>
    public RecordingTransport Transport => field ??= new RecordingTransport(Handle);

    /// <summary>While true, every request is answered 503 (after its retries, the client sees an outage).</summary>
    public bool Unavailable
    {
        get
        {
            lock (_gate)
                return field;
        }
        set
        {
            lock (_gate)
                field = value;
        }
    }

    /// <summary>Forgets the failures queued by <see cref="FailNext"/> that no request has met yet.</summary>
    public void ClearFaults()
    {
        lock (_gate)
            _faults.Clear();
    }

    /// <summary>Drops a stored document without a request (a state some interrupted write left behind).</summary>
    public void RemoveDocument(string index, string key)
    {
        lock (_gate)
            _indexes[index].Documents.Remove(key);
    }

    /// <summary>Makes the next request fail with <paramref name="response"/> before it is looked at.</summary>
    public void FailNext(CannedResponse response)
    {
        lock (_gate)
            _faults.Enqueue(response);
    }

    public IReadOnlyCollection<string> IndexNames
    {
        get
        {
            lock (_gate)
                return [.. _indexes.Keys];
        }
    }

    public JsonObject Definition(string index)
    {
        lock (_gate)
            return (JsonObject)_indexes[index].Definition.DeepClone();
    }

    /// <summary>The stored documents of <paramref name="index"/>, by key.</summary>
    public IReadOnlyDictionary<string, JsonObject> Documents(string index)
    {
        lock (_gate)
            return _indexes[index].Documents.ToDictionary(d => d.Key, d => (JsonObject)d.Value.DeepClone());
    }

    private CannedResponse Handle(CapturedRequest request)
    {
        lock (_gate)
        {
            if (_faults.TryDequeue(out var fault))
                return fault;
            if (Unavailable)
                return Error(503, "ServiceUnavailable", "The service is temporarily unavailable.");
            if (!Authorised(request))
                return Error(403, "Forbidden", "Authorization failed: no valid api-key or bearer token.");
            if (request.Query("api-version") != ApiVersion)
                return Error(400, "InvalidRequestParameter", $"api-version '{request.Query("api-version")}' is not supported here; use {ApiVersion}.");
            try
            {
                return Route(request);
            }
            catch (FormatException e)
            {
                return Error(400, "InvalidRequestParameter", e.Message);
            }
        }
    }

    private bool Authorised(CapturedRequest request) =>
        request.Header("api-key") is { } key ? key == apiKey
        : bearerToken is not null && request.Header("authorization") == "Bearer " + bearerToken;

    private CannedResponse Route(CapturedRequest request)
    {
        var match = PathPattern().Match(Uri.UnescapeDataString(request.Path));
        if (!match.Success)
            return Error(404, "ResourceNotFound", $"No resource at {request.Path}.");
        var name = match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["plain"].Success ? match.Groups["plain"].Value : null;
        var action = match.Groups["action"].Value;
        return (request.Method, name, action) switch
        {
            ("GET", null, "") => ListIndexes(request),
            ("PUT", { } index, "") => CreateOrUpdateIndex(index, request),
            ("POST", { } index, "/docs/search.index" or "/docs/index") => IndexDocuments(index, request),
            ("POST", { } index, "/docs/search.post.search" or "/docs/search") => Search(index, request),
            _ => Error(400, "InvalidRequestParameter", $"{request.Method} {request.Path} is not part of the supported protocol."),
        };
    }

    private CannedResponse ListIndexes(CapturedRequest request)
    {
        if (request.Query("$select") != "name")
            throw new FormatException("Index listings are expected with $select=name.");
        var value = new JsonArray([.. _indexes.Keys.Order(StringComparer.Ordinal).Select(n => (JsonNode)new JsonObject { ["name"] = n })]);
        return Json(200, new JsonObject { ["@odata.context"] = "https://fake/$metadata#indexes(name)", ["value"] = value });
    }

    private CannedResponse CreateOrUpdateIndex(string name, CapturedRequest request)
    {
        var body = request.Json.AsObject();
        var index = FakeIndex.FromDefinition(name, body);
        if (_indexes.TryGetValue(name, out var existing))
        {
            if (existing.Dimensions != index.Dimensions)
                return Error(400, "OperationNotAllowed", $"Existing field 'embedding' cannot change its dimensions from {existing.Dimensions} to {index.Dimensions}.");
            if (existing.ChangedFieldIn(index) is { } changed)
                return Error(400, "OperationNotAllowed", $"Existing field '{changed}' cannot be changed or removed; new fields may be added.");
            _indexes[name] = index.WithDocumentsOf(existing);
            return Json(200, body);
        }
        _indexes[name] = index;
        return Json(201, body);
    }

    private CannedResponse IndexDocuments(string name, CapturedRequest request)
    {
        if (!_indexes.TryGetValue(name, out var index))
            return Error(404, "ResourceNotFound", $"The index '{name}' was not found.");
        var results = new JsonArray();
        var allSucceeded = true;
        foreach (var node in request.Json["value"]?.AsArray() ?? throw new FormatException("An index batch has a 'value' array."))
        {
            var document = node!.AsObject();
            var action = document["@search.action"]?.GetValue<string>() ?? throw new FormatException("Every document names its @search.action.");
            var (status, error) = index.Apply(action, document);
            allSucceeded &= status is 200 or 201;
            results.Add(new JsonObject
            {
                ["key"] = document[FakeIndex.KeyField]?.GetValue<string>(),
                ["status"] = status is 200 or 201,
                ["errorMessage"] = error,
                ["statusCode"] = status,
            });
        }
        return Json(allSucceeded ? 200 : 207, new JsonObject { ["value"] = results });
    }

    private CannedResponse Search(string name, CapturedRequest request)
    {
        if (!_indexes.TryGetValue(name, out var index))
            return Error(404, "ResourceNotFound", $"The index '{name}' was not found.");
        var body = request.Json.AsObject();
        foreach (var (key, _) in body)
            if (!VectorSearchKeys.Contains(key))
                throw new FormatException($"The search parameter '{key}' is not supported here.");
        var filter = body["filter"]?.GetValue<string>() is { } text ? FakeSearchFilter.Parse(text) : _ => true;
        var select = (body["select"]?.GetValue<string>() ?? throw new FormatException("Searches select their fields.")).Split(',');
        foreach (var field in select)
            if (!index.IsRetrievable(field))
                throw new FormatException($"Invalid expression: Could not find a retrievable property named '{field}' on type 'search.document'.");
        var top = body["top"]?.GetValue<int>() ?? 50;
        var hits = body["vectorQueries"] is JsonArray queries
            ? index.VectorSearch(queries, body["vectorFilterMode"]?.GetValue<string>(), filter, body["search"]?.GetValue<string>())
            : index.MatchAll(body["search"]?.GetValue<string>(), filter);
        var value = new JsonArray();
        foreach (var (document, score) in hits.Take(top))
        {
            var result = new JsonObject { ["@search.score"] = score };
            foreach (var field in select)
                result[field] = document[field]?.DeepClone();
            value.Add(result);
        }
        var response = new JsonObject();
        if (body["count"]?.GetValue<bool>() == true)
            response["@odata.count"] = hits.Count;
        response["value"] = value;
        return Json(200, response);
    }

    private static CannedResponse Json(int status, JsonNode body) => new(status, body.ToJsonString());

    /// <summary>An error in the service's OData shape: <c>{"error":{"code","message"}}</c>.</summary>
    public static CannedResponse Error(int status, string code, string message, params (string Name, string Value)[] headers) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString(), headers);

    [GeneratedRegex(@"^/indexes(?:\('(?<quoted>[^']+)'\)|/(?<plain>[a-z0-9-]+))?(?<action>/docs/[a-z.]+)?$")]
    private static partial Regex PathPattern();
}
