using System.Text.Json.Nodes;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// One index of <see cref="FakeAzureSearchService"/>: its definition, checked against the documented schema of a vector
/// index when created, and its documents by key.
/// </summary>
internal sealed class FakeIndex
{
    public const string KeyField = "id";

    private static readonly HashSet<string> Types = ["Edm.String", "Collection(Edm.String)", "Collection(Edm.Single)"];

    private readonly Dictionary<string, string> _fieldTypes;
    private readonly HashSet<string> _hidden;
    private readonly string _vectorField;

    private FakeIndex(JsonObject definition, Dictionary<string, string> fieldTypes, HashSet<string> hidden, string vectorField, int dimensions)
    {
        Definition = definition;
        _fieldTypes = fieldTypes;
        _hidden = hidden;
        _vectorField = vectorField;
        Dimensions = dimensions;
    }

    public JsonObject Definition { get; }

    public int Dimensions { get; }

    public Dictionary<string, JsonObject> Documents { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads an index definition as <c>PUT /indexes('name')</c> carries it; throws <see cref="FormatException"/> where it breaks the schema rules.</summary>
    public static FakeIndex FromDefinition(string name, JsonObject body)
    {
        if (body["name"]?.GetValue<string>() != name)
            throw new FormatException("The index name in the body must match the one in the URL.");
        if (name.Length > 128 || name.Contains("--", StringComparison.Ordinal) || name[0] == '-' || name[^1] == '-' || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            throw new FormatException($"'{name}' is not a valid index name.");

        var profiles = body["vectorSearch"]?["profiles"]?.AsArray() ?? throw new FormatException("A vector index has vectorSearch.profiles.");
        var algorithms = body["vectorSearch"]?["algorithms"]?.AsArray() ?? throw new FormatException("A vector index has vectorSearch.algorithms.");
        var algorithmNames = new HashSet<string>();
        foreach (var algorithm in algorithms)
        {
            if (algorithm?["kind"]?.GetValue<string>() != "hnsw")
                throw new FormatException("Only hnsw algorithms are expected.");
            var parameters = algorithm["hnswParameters"] ?? throw new FormatException("An hnsw algorithm has hnswParameters.");
            CheckRange(parameters, "m", 4, 10);
            CheckRange(parameters, "efConstruction", 100, 1000);
            CheckRange(parameters, "efSearch", 100, 1000);
            if (parameters["metric"]?.GetValue<string>() != "cosine")
                throw new FormatException("The metric is expected to be cosine.");
            algorithmNames.Add(algorithm["name"]!.GetValue<string>());
        }
        var profileNames = new HashSet<string>();
        foreach (var profile in profiles)
        {
            if (!algorithmNames.Contains(profile?["algorithm"]?.GetValue<string>() ?? ""))
                throw new FormatException("A vector profile names an algorithm configuration of the index.");
            profileNames.Add(profile!["name"]!.GetValue<string>());
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        string? vectorField = null;
        var dimensions = 0;
        var keys = 0;
        foreach (var field in body["fields"]?.AsArray() ?? throw new FormatException("An index has fields."))
        {
            var fieldName = field!["name"]!.GetValue<string>();
            var type = field["type"]!.GetValue<string>();
            if (!Types.Contains(type))
                throw new FormatException($"Field type {type} is not expected.");
            if (field["key"]?.GetValue<bool>() == true)
            {
                keys++;
                if (fieldName != KeyField || type != "Edm.String")
                    throw new FormatException("The key is the string field 'id'.");
            }
            if (type == "Collection(Edm.Single)")
            {
                dimensions = field["dimensions"]?.GetValue<int>() ?? throw new FormatException("A vector field has dimensions.");
                if (!profileNames.Contains(field["vectorSearchProfile"]?.GetValue<string>() ?? ""))
                    throw new FormatException("A vector field names a vector profile of the index.");
                if (field["searchable"]?.GetValue<bool>() != true)
                    throw new FormatException("A vector field must be searchable.");
                vectorField = fieldName;
            }
            types[fieldName] = type;
            if (field["retrievable"]?.GetValue<bool>() == false)
                hidden.Add(fieldName);
        }
        if (keys != 1 || vectorField is null)
            throw new FormatException("An index has one key and a vector field.");
        return new FakeIndex(body, types, hidden, vectorField, dimensions);
    }

    /// <summary>Whether a search may <c>select</c> the field: it exists and is retrievable.</summary>
    public bool IsRetrievable(string field) => _fieldTypes.ContainsKey(field) && !_hidden.Contains(field);

    /// <summary>A field of this index that <paramref name="update"/> drops or retypes (the service refuses both), or null.</summary>
    public string? ChangedFieldIn(FakeIndex update)
    {
        foreach (var (name, type) in _fieldTypes)
            if (!update._fieldTypes.TryGetValue(name, out var updated) || updated != type)
                return name;
        return null;
    }

    /// <summary>This (updated) definition holding the documents of <paramref name="previous"/>.</summary>
    public FakeIndex WithDocumentsOf(FakeIndex previous)
    {
        foreach (var (key, document) in previous.Documents)
            Documents[key] = document;
        return this;
    }

    /// <summary>Applies one document action; the status and error message as the batch response reports them.</summary>
    public (int Status, string? Error) Apply(string action, JsonObject document)
    {
        var key = document[KeyField]?.GetValue<string>() ?? throw new FormatException("Every document has its key.");
        if (key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '=')))
            throw new FormatException($"Invalid document key: '{key}'. Keys can only contain letters, digits, underscore (_), dash (-), or equal sign (=).");
        var fields = new JsonObject();
        foreach (var (name, value) in document)
        {
            if (name == "@search.action")
                continue;
            if (!_fieldTypes.TryGetValue(name, out var type))
                throw new FormatException($"The property '{name}' does not exist on the index.");
            if (action != "delete" && name == _vectorField && value is not null && value.AsArray().Count != Dimensions)
                throw new FormatException($"The vector field '{name}' has {value.AsArray().Count} dimensions; the index expects {Dimensions}.");
            if (type.StartsWith("Collection", StringComparison.Ordinal) && value is not null and not JsonArray)
                throw new FormatException($"The field '{name}' takes an array.");
            fields[name] = value?.DeepClone();
        }
        switch (action)
        {
            case "upload":
                Documents[key] = fields;
                return (201, null);
            case "mergeOrUpload" when !Documents.ContainsKey(key):
                Documents[key] = fields;
                return (201, null);
            case "merge" or "mergeOrUpload":
                if (!Documents.TryGetValue(key, out var existing))
                    return (404, "Document not found.");
                foreach (var (name, value) in fields)
                    existing[name] = value?.DeepClone();
                return (200, null);
            case "delete":
                Documents.Remove(key);
                return (200, null);
            default:
                throw new FormatException($"Unknown @search.action '{action}'.");
        }
    }

    /// <summary>An exact k-nearest-neighbour search over the documents that pass the filter (preFilter).</summary>
    public List<(JsonObject Document, double Score)> VectorSearch(JsonArray queries, string? filterMode, Func<JsonObject, bool> filter, string? search)
    {
        if (queries.Count != 1)
            throw new FormatException("Exactly one vector query is expected.");
        if (filterMode != "preFilter")
            throw new FormatException("vectorFilterMode is expected to be preFilter.");
        if (search is not null and not "*")
            throw new FormatException("A pure vector query carries no search text.");
        var query = queries[0]!.AsObject();
        foreach (var (key, _) in query)
            if (key is not ("kind" or "vector" or "fields" or "k"))
                throw new FormatException($"The vector query parameter '{key}' is not supported here.");
        if (query["kind"]?.GetValue<string>() != "vector")
            throw new FormatException("The vector query kind is expected to be 'vector'.");
        if (query["fields"]?.GetValue<string>() != _vectorField)
            throw new FormatException($"The vector query targets '{_vectorField}'.");
        var k = query["k"]?.GetValue<int>() ?? throw new FormatException("The vector query has k.");
        var vector = query["vector"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
        if (vector.Length != Dimensions)
            throw new FormatException($"The query vector has {vector.Length} dimensions; the field has {Dimensions}.");

        return Documents.Values
            .Where(filter)
            .Select(d => (Document: d, Score: 1.0 / (1.0 + (1.0 - Cosine(vector, d[_vectorField]!.AsArray())))))
            .OrderByDescending(h => h.Score)
            .ThenByDescending(h => h.Document[KeyField]!.GetValue<string>(), StringComparer.Ordinal)
            .Take(k)
            .ToList();
    }

    /// <summary><c>search=*</c>: every document that passes the filter, all scored 1.</summary>
    public List<(JsonObject Document, double Score)> MatchAll(string? search, Func<JsonObject, bool> filter)
    {
        if (search != "*")
            throw new FormatException("Only search=* is supported without a vector query.");
        return Documents.Values.Where(filter).OrderBy(d => d[KeyField]!.GetValue<string>(), StringComparer.Ordinal).Select(d => (d, 1.0)).ToList();
    }

    private static double Cosine(double[] query, JsonArray stored)
    {
        double dot = 0, qq = 0, ss = 0;
        for (var i = 0; i < query.Length; i++)
        {
            var s = stored[i]!.GetValue<double>();
            dot += query[i] * s;
            qq += query[i] * query[i];
            ss += s * s;
        }
        return dot / Math.Sqrt(qq * ss);
    }

    private static void CheckRange(JsonNode parameters, string name, int min, int max)
    {
        var value = parameters[name]?.GetValue<int>() ?? throw new FormatException($"hnswParameters.{name} is expected.");
        if (value < min || value > max)
            throw new FormatException($"hnswParameters.{name} must lie in {min}..{max}; it is {value}.");
    }
}
