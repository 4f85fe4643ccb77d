using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;
using static AudioFunctions.Tests.Indexing.AzureSearch.AzureSearchTestData;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// Documented responses read back: search results (<c>value</c> with <c>@search.score</c>), index listings, batch results,
/// and the failures the client retries (429, 503) or reports (400 with an OData error body, 207 with failed documents).
/// </summary>
public sealed class AzureSearchBackendResponseTests
{
    private static readonly float[] Query = [1, 0, 0, 0];

    [Fact]
    public async Task Search_ConvertsScoresToCosine_AndOrdersTiesById()
    {
        // @search.score = 1 / (2 - cos): 0.8 is cos 0.75, 0.5 is cos 0, 1/3 is cos -1.
        var transport = RecordingTransport.Scripted(new CannedResponse(200, """
            {"value":[
              {"@search.score":0.8,"trackId":"b"},
              {"@search.score":0.8,"trackId":"a"},
              {"@search.score":0.5,"trackId":"c"},
              {"@search.score":0.3333333333333333,"trackId":"d"}]}
            """));
        var backend = Backend(transport);

        var hits = await backend.SearchAsync(VectorCollection.Audio, Dsp4, Query, 4, SearchFilter.None, default);

        Assert.Equal(["a", "b", "c", "d"], hits.Select(h => h.TrackId));
        Assert.Equal(0.75, hits[0].Score, 1e-6);
        Assert.Equal(0.75, hits[1].Score, 1e-6);
        Assert.Equal(0.0, hits[2].Score, 1e-6);
        Assert.Equal(-1.0, hits[3].Score, 1e-6);
    }

    [Fact]
    public async Task Search_Throttled429_IsRetriedThenSucceeds()
    {
        var transport = RecordingTransport.Scripted(
            FakeAzureSearchService.Error(429, "TooManyRequests", "Too many requests.", ("Retry-After-ms", "1")),
            new CannedResponse(200, """{"value":[{"@search.score":1.0,"trackId":"t"}]}"""));
        var backend = Backend(transport);

        var hits = await backend.SearchAsync(VectorCollection.Audio, Dsp4, Query, 1, SearchFilter.None, default);

        Assert.Equal(2, transport.Requests.Count);
        Assert.Equal(transport.Requests[0].Body, transport.Requests[1].Body);
        Assert.Equal(new SearchHit("t", 1f), Assert.Single(hits));
    }

    [Fact]
    public async Task Search_503OnEveryAttempt_ThrowsTransientFailureAfterMaxRetries()
    {
        var unavailable = Enumerable.Range(0, 4).Select(_ => FakeAzureSearchService.Error(503, "ServiceUnavailable", "The service is busy.")).ToArray();
        var transport = RecordingTransport.Scripted(unavailable);
        var backend = Backend(transport); // MaxRetries = 3

        var error = await Assert.ThrowsAsync<AzureSearchRequestException>(() => backend.SearchAsync(VectorCollection.Audio, Dsp4, Query, 1, SearchFilter.None, default));

        Assert.Equal(4, transport.Requests.Count);
        Assert.Equal(503, error.Status);
        Assert.True(error.IsTransient);
        Assert.Equal("af-audio-dsp-1-4", error.IndexName);
    }

    [Fact]
    public async Task Search_400WithODataError_ThrowsAtOnceWithTheServiceMessage()
    {
        var transport = RecordingTransport.Scripted(FakeAzureSearchService.Error(400, "InvalidRequestParameter", "Invalid expression: Could not find a property named 'nope'."));
        var backend = Backend(transport);

        var error = await Assert.ThrowsAsync<AzureSearchRequestException>(() => backend.SearchAsync(VectorCollection.Audio, Dsp4, Query, 1, SearchFilter.None, default));

        Assert.Single(transport.Requests);
        Assert.Equal(400, error.Status);
        Assert.Equal("InvalidRequestParameter", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Equal(
            "Azure AI Search search on index 'af-audio-dsp-1-4' failed with status 400 (InvalidRequestParameter): Invalid expression: Could not find a property named 'nope'.",
            error.Message);
    }

    [Fact]
    public async Task Search_IndexNotFound_ReturnsNoHits()
    {
        var transport = RecordingTransport.Scripted(FakeAzureSearchService.Error(404, "ResourceNotFound", "The index 'af-audio-dsp-1-4' was not found."));
        var backend = Backend(transport);

        var hits = await backend.SearchAsync(VectorCollection.Audio, Dsp4, Query, 5, SearchFilter.None, default);

        Assert.Empty(hits);
    }

    [Fact]
    public async Task Upsert_BatchWithFailedDocument_Throws()
    {
        var transport = RecordingTransport.Scripted(
            new CannedResponse(200, """{"value":[{"name":"af-audio-dsp-1-4"}]}"""),
            new CannedResponse(200, """{"name":"af-audio-dsp-1-4","fields":[]}"""),
            new CannedResponse(207, """{"value":[{"key":"dDE","status":false,"errorMessage":"Document is too large.","statusCode":422}]}"""));
        var backend = Backend(transport);

        var error = await Assert.ThrowsAsync<AzureSearchRequestException>(() => backend.UpsertAsync(Track("t1"), "1", [AudioVector(Dsp4, 1, 0, 0, 0)], default));

        Assert.Equal(422, error.Status);
        Assert.Contains("Document is too large.", error.Message);
    }

    [Fact]
    public async Task Spaces_ReadsListingAndCounts_WithSpaceFromDocumentsWhenTheNameIsSanitised()
    {
        var dotted = new EmbeddingSpace("clap", "1.2", 512);
        var dottedIndex = AzureSearchIndexNames.For("af", VectorCollection.Audio, dotted);
        var transport = RecordingTransport.Scripted(
            new CannedResponse(200, $$"""{"value":[{"name":"af-audio-dsp-1-4"},{"name":"af-text-dsp-1-4"},{"name":"other-audio-dsp-1-4"},{"name":"{{dottedIndex}}"},{"name":"af-audio-dsp-9-4"}]}"""),
            // In index name order: af-audio-clap-…, af-audio-dsp-1-4, af-audio-dsp-9-4.
            new CannedResponse(200, """{"@odata.count":2,"value":[{"@search.score":1.0,"space":"clap-1.2-512"}]}"""),
            new CannedResponse(200, """{"@odata.count":3,"value":[{"@search.score":1.0,"space":"dsp-1-4"}]}"""),
            new CannedResponse(200, """{"@odata.count":0,"value":[]}"""));
        var backend = Backend(transport);

        var spaces = await backend.SpacesAsync(VectorCollection.Audio, default);

        Assert.Equal(2, spaces.Count);
        Assert.Equal(3, spaces[Dsp4]);
        Assert.Equal(2, spaces[dotted]);
        Assert.Equal(
            [$"/indexes('{dottedIndex}')/docs/search.post.search", "/indexes('af-audio-dsp-1-4')/docs/search.post.search", "/indexes('af-audio-dsp-9-4')/docs/search.post.search"],
            transport.Requests.Skip(1).Select(r => r.Path));
        var body = transport.Requests[1].Json.AsObject();
        Assert.Equal("*", (string?)body["search"]);
        Assert.True((bool)body["count"]!);
        Assert.Equal(1, (int)body["top"]!);
    }
}
