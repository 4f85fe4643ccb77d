using System.Net;
using AudioFunctions.Errors;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;
using AudioFunctions.Tracks;
using AudioFunctions.Tests.Indexing.AzureSearch;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Search;

/// <summary>
/// With <c>INDEX__BACKEND=azure-search</c> the app's searches and stored tracks really go to the search service: its
/// indexes hold the tracks, the search endpoint's answers come from its responses, and an outage is a 503.
/// </summary>
public sealed class AzureSearchAppTests(AzureSearchAppFixture fixture) : IClassFixture<AzureSearchAppFixture>
{
    [Fact]
    public async Task StoredTracks_LandInTheServicesIndexes_AndSearchAsksTheService()
    {
        var client = new StreamApiClient(fixture.App.Client);
        var trackId = "azure-app-" + Guid.NewGuid().ToString("N")[..8];
        var sessionId = await client.StartSessionAsync(trackId, "pcm_s16_le", 48_000, 1);
        (await client.SendFrameAsync(sessionId, TestSignals.Sine(new AudioFunctions.Audio.StreamAudioFormat(AudioFunctions.Audio.PcmEncoding.S16Le, 48_000, 1), 12))).AssertStatus(HttpStatusCode.OK);
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        Assert.Contains("audiofunctions-audio-dsp-1-512", fixture.Service.IndexNames);
        Assert.Contains("audiofunctions-text-lexical-1-512", fixture.Service.IndexNames);
        var key = AudioFunctions.Indexing.AzureSearch.AzureSearchIndexDefinition.DocumentKey(trackId);
        Assert.True(fixture.Service.Documents("audiofunctions-audio-dsp-1-512").ContainsKey(key));

        var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        var searchesBefore = fixture.Service.Transport.Requests.Count(IsVectorQuery);
        var search = (await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", track.Field("audio_embedding")), ("collection", WireValue.String("audio")), ("limit", WireValue.Integer(5))))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(searchesBefore + 1, fixture.Service.Transport.Requests.Count(IsVectorQuery));
        Assert.True(search.Field("results").AsArray()[0].TryGetProperty("track_id", out var first) && first.AsString() == trackId);

        // The service throttling past every retry is an outage for the client, not an internal error.
        for (var i = 0; i < 10; i++)
            fixture.Service.FailNext(FakeAzureSearchService.Error(503, "ServiceUnavailable", "busy"));
        (await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", track.Field("audio_embedding")), ("collection", WireValue.String("audio"))))).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.SearchUnavailable);
        fixture.Service.ClearFaults();   // those the retries did not use would fail the next test's requests
    }

    [Fact]
    public async Task ATrackSavedButNeverWrittenToTheService_IsThereAfterOneRepairPass()
    {
        var services = fixture.App.Services;
        var store = services.GetRequiredService<TrackStore>();
        var space = services.GetRequiredService<TrackSearch>().ActiveSpace(VectorCollection.Audio);
        var trackId = "azure-crash-" + Guid.NewGuid().ToString("N")[..8];
        // The process died after saving the track, before writing it to the service.
        var (_, etag) = await store.SaveAsync(
            new StoredTrack { TrackId = trackId, SessionId = "s-" + trackId, Metadata = new TrackMetadata { Name = "Lost" } },
            [new TrackVector(VectorCollection.Audio, space, UnitVector(space.Dimensions, 3))], default);

        await services.GetRequiredService<AzureSearchReconciler>().RunPassAsync(default);

        var document = fixture.Service.Documents(AzureSearchIndexNames.For("audiofunctions", VectorCollection.Audio, space))[AzureSearchIndexDefinition.DocumentKey(trackId)];
        Assert.Equal(TrackStore.Version(etag), (string?)document["version"]);
    }

    [Fact]
    public async Task Search_LeavesOutAHitWhoseTrackIsNotStored_AndRemovesItFromTheService()
    {
        var services = fixture.App.Services;
        var search = services.GetRequiredService<TrackSearch>();
        var space = search.ActiveSpace(VectorCollection.Audio);
        var index = AzureSearchIndexNames.For("audiofunctions", VectorCollection.Audio, space);
        await services.GetRequiredService<AzureSearchBackend>().EnsureIndexAsync(VectorCollection.Audio, space, default);
        // A document whose track was deleted by an instance that died before removing it (written here by another client).
        var ghost = "azure-ghost-" + Guid.NewGuid().ToString("N")[..8];
        var vector = UnitVector(space.Dimensions, 7);
        var client = new Azure.Search.Documents.Indexes.SearchIndexClient(new Uri(AzureSearchTestData.Endpoint), new Azure.AzureKeyCredential(AzureSearchTestData.ApiKey),
            new Azure.Search.Documents.SearchClientOptions(AzureSearchBackend.ServiceVersion) { Transport = fixture.Service.Transport });
        await client.GetSearchClient(index).IndexDocumentsAsync(Azure.Search.Documents.Models.IndexDocumentsBatch.Upload(
            [AzureSearchIndexDefinition.Document(new StoredTrack { TrackId = ghost, SessionId = "s" }, "v1", new TrackVector(VectorCollection.Audio, space, vector), [index])]));
        var key = AzureSearchIndexDefinition.DocumentKey(ghost);
        Assert.True(fixture.Service.Documents(index).ContainsKey(key));

        var results = await search.SearchAsync(VectorCollection.Audio, vector, 5, SearchFilter.None, null, default);
        await search.OrphanRemovals;

        Assert.DoesNotContain(results, r => r.TrackId == ghost);
        Assert.False(fixture.Service.Documents(index).ContainsKey(key));
    }

    private static bool IsVectorQuery(CapturedRequest request) =>
        request.Path.EndsWith("docs/search.post.search", StringComparison.Ordinal) && request.Json["vectorQueries"] is not null;

    private static float[] UnitVector(int dimensions, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble() + 0.01f).ToArray();
        var norm = MathF.Sqrt(values.Sum(v => v * v));
        return [.. values.Select(v => v / norm)];
    }
}
