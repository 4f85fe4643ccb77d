using System.Text.Json.Nodes;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;
using Azure.Search.Documents.Indexes;
using Microsoft.Extensions.Logging.Abstractions;
using static AudioFunctions.Tests.Indexing.AzureSearch.AzureSearchTestData;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// The requests the backend sends, checked against the documented REST shapes of api-version 2023-11-01 (the version
/// Azure.Search.Documents 11.5.1 speaks): paths in OData key syntax, the api-key or bearer header, and the JSON bodies of
/// Create or Update Index, Index Documents and Search Documents.
/// </summary>
public sealed class AzureSearchBackendRequestTests
{
    [Fact]
    public async Task EnsureIndex_PutsVectorIndexWithHnswCosineProfile()
    {
        var transport = new RecordingTransport(r => new CannedResponse(201, r.Body));
        var backend = Backend(transport);

        await backend.EnsureIndexAsync(VectorCollection.Audio, Dsp4, default);

        var request = Assert.Single(transport.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/indexes('af-audio-dsp-1-4')", request.Path);
        Assert.Equal("2023-11-01", request.Query("api-version"));
        Assert.Equal(ApiKey, request.Header("api-key"));
        Assert.Null(request.Header("authorization"));
        Assert.StartsWith("application/json", request.Header("content-type"));

        var body = request.Json;
        Assert.Equal("af-audio-dsp-1-4", (string?)body["name"]);
        var fields = body["fields"]!.AsArray().ToDictionary(f => (string)f!["name"]!, f => f!.AsObject());
        Assert.Equal(
            ["id", "trackId", "space", "version", "trackIndexes", "artists", "album", "genres", "artistsKey", "albumKey", "genresKey", "embedding"],
            fields.Keys);
        Assert.Equal("Collection(Edm.String)", (string?)fields["trackIndexes"]["type"]);
        Assert.True((bool)fields["trackIndexes"]["retrievable"]!);
        Assert.True((bool)fields["id"]["key"]!);
        Assert.Equal("Edm.String", (string?)fields["id"]["type"]);
        foreach (var name in new[] { "trackId", "space", "album", "albumKey" })
        {
            Assert.Equal("Edm.String", (string?)fields[name]["type"]);
            Assert.True((bool)fields[name]["filterable"]!, name);
        }
        foreach (var name in new[] { "artists", "genres", "artistsKey", "genresKey" })
        {
            Assert.Equal("Collection(Edm.String)", (string?)fields[name]["type"]);
            Assert.True((bool)fields[name]["filterable"]!, name);
        }
        var embedding = fields["embedding"];
        Assert.Equal("Collection(Edm.Single)", (string?)embedding["type"]);
        Assert.Equal(4, (int)embedding["dimensions"]!);
        Assert.True((bool)embedding["searchable"]!);
        Assert.False((bool)embedding["retrievable"]!);
        Assert.Equal("embedding-profile", (string?)embedding["vectorSearchProfile"]);

        var algorithm = Assert.Single(body["vectorSearch"]!["algorithms"]!.AsArray())!;
        Assert.Equal("hnsw", (string?)algorithm["kind"]);
        Assert.Equal("embedding-hnsw", (string?)algorithm["name"]);
        var parameters = algorithm["hnswParameters"]!;
        Assert.Equal(8, (int)parameters["m"]!);
        Assert.Equal(400, (int)parameters["efConstruction"]!);
        Assert.Equal(500, (int)parameters["efSearch"]!);
        Assert.Equal("cosine", (string?)parameters["metric"]);
        var profile = Assert.Single(body["vectorSearch"]!["profiles"]!.AsArray())!;
        Assert.Equal("embedding-profile", (string?)profile["name"]);
        Assert.Equal("embedding-hnsw", (string?)profile["algorithm"]);
    }

    [Fact]
    public async Task EnsureIndex_UsesConfiguredHnswSettings_AndPutsOncePerIndex()
    {
        var transport = new RecordingTransport(r => new CannedResponse(201, r.Body));
        var options = Options();
        options.HnswM = 4;
        options.HnswEfConstruction = 100;
        options.HnswEfSearch = 1000;
        var backend = Backend(transport, options);

        await backend.EnsureIndexAsync(VectorCollection.Text, Dsp4, default);
        await backend.EnsureIndexAsync(VectorCollection.Text, Dsp4, default);

        var request = Assert.Single(transport.Requests);
        Assert.Equal("/indexes('af-text-dsp-1-4')", request.Path);
        var parameters = request.Json["vectorSearch"]!["algorithms"]![0]!["hnswParameters"]!;
        Assert.Equal(4, (int)parameters["m"]!);
        Assert.Equal(100, (int)parameters["efConstruction"]!);
        Assert.Equal(1000, (int)parameters["efSearch"]!);
    }

    [Fact]
    public async Task Upsert_SendsMergeOrUploadWithNormalisedFilterCopies()
    {
        var service = new FakeAzureSearchService(ApiKey);
        var backend = Backend(service.Transport);

        await backend.UpsertAsync(Track("a/b?c", [" Miles Davis ", "coltrane"], "  Kind of Blue", ["Jazz "]), "etag-1", [AudioVector(Dsp4, 0.5f, 0.5f, 0.5f, 0.5f)], default);

        var requests = service.Transport.Requests;
        Assert.Equal(["GET /indexes", "PUT /indexes('af-audio-dsp-1-4')", "POST /indexes('af-audio-dsp-1-4')/docs/search.index"], requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal("name", requests[0].Query("$select"));
        var document = Assert.Single(requests[2].Json["value"]!.AsArray())!.AsObject();
        Assert.Equal("mergeOrUpload", (string?)document["@search.action"]);
        Assert.Equal("YS9iP2M", (string?)document["id"]); // base64url of "a/b?c", unpadded
        Assert.Equal("a/b?c", (string?)document["trackId"]);
        Assert.Equal("dsp-1-4", (string?)document["space"]);
        Assert.Equal("etag-1", (string?)document["version"]);
        Assert.Equal(["af-audio-dsp-1-4"], Strings(document["trackIndexes"]));
        Assert.Equal([" Miles Davis ", "coltrane"], Strings(document["artists"]));
        Assert.Equal(["MILES DAVIS", "COLTRANE"], Strings(document["artistsKey"]));
        Assert.Equal("  Kind of Blue", (string?)document["album"]);
        Assert.Equal("KIND OF BLUE", (string?)document["albumKey"]);
        Assert.Equal(["JAZZ"], Strings(document["genresKey"]));
        Assert.Equal([0.5, 0.5, 0.5, 0.5], document["embedding"]!.AsArray().Select(n => (double)n!));
    }

    [Fact]
    public async Task Upsert_WithoutASpace_DeletesTheTrackFromThatSpacesIndex()
    {
        var service = new FakeAzureSearchService(ApiKey);
        var backend = Backend(service.Transport);
        var other = new AudioFunctions.Embedding.EmbeddingSpace("dsp", "2", 4);
        var track = Track("t1");
        await backend.UpsertAsync(track, "1", [AudioVector(Dsp4, 1, 0, 0, 0), AudioVector(other, 0, 1, 0, 0)], default);
        var before = service.Transport.Requests.Count;

        await backend.UpsertAsync(track, "2", [AudioVector(Dsp4, 1, 0, 0, 0)], default);

        var requests = service.Transport.Requests.Skip(before).ToList();
        Assert.Equal(
            ["GET /indexes", "POST /indexes('af-audio-dsp-1-4')/docs/search.index", "POST /indexes('af-audio-dsp-2-4')/docs/search.index"],
            requests.Select(r => $"{r.Method} {r.Path}"));
        var deletion = Assert.Single(requests[2].Json["value"]!.AsArray())!.AsObject();
        Assert.Equal(["@search.action", "id"], deletion.Select(p => p.Key));
        Assert.Equal("delete", (string?)deletion["@search.action"]);
        Assert.Equal("dDE", (string?)deletion["id"]);
        Assert.Empty(service.Documents("af-audio-dsp-2-4"));
    }

    [Fact]
    public async Task Search_PostsVectorQueryWithPreFilterAndODataFilter()
    {
        var transport = RecordingTransport.Scripted(new CannedResponse(200, """{"value":[]}"""));
        var backend = Backend(transport);
        var filter = new SearchFilter(new HashSet<string> { "x'1", "y,2" }, " Miles ", "Blue", "jazz");

        var hits = await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[] { 0.25f, -0.5f, 0.75f, 1 }, 7, filter, default);

        Assert.Empty(hits);
        var request = Assert.Single(transport.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/indexes('af-audio-dsp-1-4')/docs/search.post.search", request.Path);
        Assert.Equal("2023-11-01", request.Query("api-version"));
        Assert.Equal(ApiKey, request.Header("api-key"));
        var body = request.Json.AsObject();
        Assert.Equal(["filter", "select", "top", "vectorQueries", "vectorFilterMode"], body.Select(p => p.Key));
        Assert.Equal(
            "not search.in(trackId, 'x''1|y,2', '|') and artistsKey/any(a: a eq 'MILES') and albumKey eq 'BLUE' and genresKey/any(g: g eq 'JAZZ')",
            (string?)body["filter"]);
        Assert.Equal("preFilter", (string?)body["vectorFilterMode"]);
        Assert.Equal("trackId", (string?)body["select"]);
        Assert.Equal(7, (int)body["top"]!);
        var query = Assert.Single(body["vectorQueries"]!.AsArray())!.AsObject();
        Assert.Equal("vector", (string?)query["kind"]);
        Assert.Equal("embedding", (string?)query["fields"]);
        Assert.Equal(7, (int)query["k"]!);
        Assert.Equal([0.25, -0.5, 0.75, 1], query["vector"]!.AsArray().Select(n => (double)n!));
    }

    [Fact]
    public async Task Search_WithoutFilter_SendsNoFilter()
    {
        var transport = RecordingTransport.Scripted(new CannedResponse(200, """{"value":[]}"""));
        var backend = Backend(transport);

        await backend.SearchAsync(VectorCollection.Text, Dsp4, new float[4], 3, SearchFilter.None with { Artist = "  " }, default);

        var body = Assert.Single(transport.Requests).Json.AsObject();
        Assert.False(body.ContainsKey("filter"));
        Assert.Equal("/indexes('af-text-dsp-1-4')/docs/search.post.search", transport.Requests[0].Path);
    }

    [Fact]
    public async Task WithoutApiKey_SendsBearerTokenForSearchScope()
    {
        var credential = new RecordingTokenCredential("token-123");
        var transport = RecordingTransport.Scripted(new CannedResponse(200, """{"value":[]}"""));
        var backend = Backend(transport, Options(apiKey: null), credential);

        await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[4], 1, SearchFilter.None, default);

        var request = Assert.Single(transport.Requests);
        Assert.Equal("Bearer token-123", request.Header("authorization"));
        Assert.Null(request.Header("api-key"));
        Assert.Equal(["https://search.azure.com/.default"], credential.Scopes.Distinct());
    }

    [Fact]
    public void HttpEndpoint_IsRefusedByTheSdk()
    {
        // Azure.Search.Documents insists on https, with a key as with a token; the tests therefore replace the
        // transport rather than serve plain http.
        var options = Options();
        options.Endpoint = "http://127.0.0.1:9/";
        var error = Assert.Throws<ArgumentException>(() => new AzureSearchBackend(options, NullLogger<AzureSearchBackend>.Instance));
        Assert.Contains("https", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentException>(() => new SearchIndexClient(new Uri("http://127.0.0.1:9/"), new Azure.AzureKeyCredential("k")));
    }

    private static IEnumerable<string?> Strings(JsonNode? array) => array!.AsArray().Select(n => (string?)n);
}
