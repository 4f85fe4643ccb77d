using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;
using AudioFunctions.Tracks;
using static AudioFunctions.Tests.Indexing.AzureSearch.AzureSearchTestData;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// The backend end to end against <see cref="FakeAzureSearchService"/>, which speaks the documented protocol and rejects
/// anything else: the answers must be those of the reference semantics (<see cref="SearchFilter.Matches"/>, exact cosine,
/// score then id order), whatever the service does in between.
/// </summary>
public sealed class AzureSearchBackendBehaviourTests
{
    private const int Dimensions = 16;
    private static readonly EmbeddingSpace Space16 = new("dsp", "1", Dimensions);

    private readonly FakeAzureSearchService _service = new(ApiKey);

    [Fact]
    public async Task Search_ReturnsTheExactNearest_WithCosineScores()
    {
        var backend = Backend(_service.Transport);
        var random = new Random(11);
        var tracks = IndexTestData.RandomTracks(random, 60, Dimensions);
        await StoreAll(backend, tracks);

        for (var q = 0; q < 5; q++)
        {
            var query = IndexTestData.RandomVector(random, Dimensions);
            var hits = await backend.SearchAsync(VectorCollection.Audio, Space16, query, 10, SearchFilter.None, default);
            AssertMatchesReference(IndexTestData.BruteForce(tracks, query, SearchFilter.None), hits, 10);
        }
    }

    [Fact]
    public async Task Search_AppliesEveryFilter_AsTheReferenceDoes_AndReturnsKWheneverKMatch()
    {
        var backend = Backend(_service.Transport);
        var random = new Random(23);
        var tracks = IndexTestData.RandomTracks(random, 80, Dimensions);
        await StoreAll(backend, tracks);
        SearchFilter[] filters =
        [
            SearchFilter.None with { Artist = "MILES" },
            SearchFilter.None with { Artist = "  coltrane " },
            SearchFilter.None with { Album = "kind of blue" },
            SearchFilter.None with { Album = "blue" },
            SearchFilter.None with { Genre = "JAZZ" },
            SearchFilter.None with { Genre = "ambient" },
            SearchFilter.None with { Artist = "monk", Genre = "jazz" },
            SearchFilter.None with { Artist = "miles", Album = "Red", Genre = "rock" },
            SearchFilter.None with { Artist = "nobody" },
            SearchFilter.None with { Artist = " ", Album = "", Genre = null },
            new SearchFilter(tracks.Take(30).Select(t => t.Id).ToHashSet(), "evans", null, null),
        ];

        foreach (var filter in filters)
        {
            var query = IndexTestData.RandomVector(random, Dimensions);
            var expected = IndexTestData.BruteForce(tracks, query, filter);
            var hits = await backend.SearchAsync(VectorCollection.Audio, Space16, query, 8, filter, default);
            AssertMatchesReference(expected, hits, 8);
            Assert.Equal(Math.Min(8, expected.Count), hits.Count);
        }
    }

    [Fact]
    public async Task Search_ExcludesIdsHoldingCommasQuotesAndEveryDelimiter()
    {
        var backend = Backend(_service.Transport);
        var random = new Random(5);
        string[] ids = ["plain", "a,b", "it's", "''", "x|y;z", ",|;~^`\u001F all", "tail "];
        var tracks = ids.Select(id => new TestTrack(id, IndexTestData.RandomVector(random, Dimensions), IndexTestData.NoFields)).ToList();
        await StoreAll(backend, tracks);

        foreach (var excluded in new[] { new[] { "a,b", "it's" }, new[] { "''", "x|y;z" }, new[] { ",|;~^`\u001F all", "plain" }, ids })
        {
            var filter = SearchFilter.None with { ExcludeIds = excluded.ToHashSet() };
            var query = IndexTestData.RandomVector(random, Dimensions);
            var hits = await backend.SearchAsync(VectorCollection.Audio, Space16, query, ids.Length, filter, default);
            Assert.Equal(ids.Except(excluded).Order(StringComparer.Ordinal), hits.Select(h => h.TrackId).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Upsert_ReplacesTheVectorAndFields()
    {
        var backend = Backend(_service.Transport);
        await backend.UpsertAsync(Track("t", ["Old Artist"]), "1", [AudioVector(Dsp4, 1, 0, 0, 0)], default);

        await backend.UpsertAsync(Track("t", ["New Artist"]), "2", [AudioVector(Dsp4, 0, 1, 0, 0)], default);

        var document = Assert.Single(_service.Documents("af-audio-dsp-1-4")).Value;
        Assert.Equal("2", (string?)document["version"]);
        var hit = Assert.Single(await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[] { 0, 1, 0, 0 }, 5, SearchFilter.None, default));
        Assert.Equal(1.0, hit.Score, 1e-5);
        Assert.Empty(await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[] { 0, 1, 0, 0 }, 5, SearchFilter.None with { Artist = "old artist" }, default));
        Assert.Single(await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[] { 0, 1, 0, 0 }, 5, SearchFilter.None with { Artist = "NEW ARTIST" }, default));
    }

    [Fact]
    public async Task Upsert_WithFewerSpaces_LeavesTheTrackOnlyInTheSpacesItHas()
    {
        var backend = Backend(_service.Transport);
        var second = new EmbeddingSpace("dsp", "2", 4);
        var track = Track("t");
        await backend.UpsertAsync(track, "1", [AudioVector(Dsp4, 1, 0, 0, 0), AudioVector(second, 1, 0, 0, 0), new TrackVector(VectorCollection.Text, Dsp4, [1, 0, 0, 0])], default);

        await backend.UpsertAsync(track, "2", [AudioVector(second, 0, 0, 1, 0)], default);

        Assert.Empty(await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default));
        Assert.Empty(await backend.SearchAsync(VectorCollection.Text, Dsp4, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default));
        Assert.Equal("t", Assert.Single(await backend.SearchAsync(VectorCollection.Audio, second, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default)).TrackId);
        Assert.Equal(new Dictionary<EmbeddingSpace, long> { [second] = 1 }, await backend.SpacesAsync(VectorCollection.Audio, default));
        Assert.Empty(await backend.SpacesAsync(VectorCollection.Text, default));
    }

    [Fact]
    public async Task Remove_DeletesTheTrackFromEverySpaceAndCollection_AndIgnoresUnknownTracks()
    {
        var backend = Backend(_service.Transport);
        await backend.UpsertAsync(Track("gone"), "1", [AudioVector(Dsp4, 1, 0, 0, 0), new TrackVector(VectorCollection.Text, Dsp4, [1, 0, 0, 0])], default);
        await backend.UpsertAsync(Track("kept"), "1", [AudioVector(Dsp4, 0, 1, 0, 0)], default);

        await backend.RemoveAsync("gone", default);
        await backend.RemoveAsync("never-stored", default);

        Assert.Equal(["kept"], (await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default)).Select(h => h.TrackId));
        Assert.Empty(await backend.SearchAsync(VectorCollection.Text, Dsp4, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default));
    }

    [Fact]
    public async Task Spaces_OfEqualDimensions_AreSeparateIndexes_AndNeverMix()
    {
        var backend = Backend(_service.Transport);
        var other = new EmbeddingSpace("dsp", "2", 4);
        var dotted = new EmbeddingSpace("clap", "1.2", 4);
        await backend.UpsertAsync(Track("one"), "1", [AudioVector(Dsp4, 1, 0, 0, 0)], default);
        await backend.UpsertAsync(Track("two"), "1", [AudioVector(other, 1, 0, 0, 0)], default);
        await backend.UpsertAsync(Track("three"), "1", [AudioVector(dotted, 1, 0, 0, 0)], default);
        await backend.UpsertAsync(Track("four"), "1", [AudioVector(dotted, 0, 1, 0, 0)], default);

        Assert.Equal(3, _service.IndexNames.Count);
        Assert.Equal(["one"], (await backend.SearchAsync(VectorCollection.Audio, Dsp4, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default)).Select(h => h.TrackId));
        Assert.Equal(["two"], (await backend.SearchAsync(VectorCollection.Audio, other, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default)).Select(h => h.TrackId));
        Assert.Equal(["three", "four"], (await backend.SearchAsync(VectorCollection.Audio, dotted, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default)).Select(h => h.TrackId));

        // A fresh instance knows the spaces only from the service, including the one whose name was sanitised.
        var fresh = Backend(_service.Transport);
        Assert.Equal(new Dictionary<EmbeddingSpace, long> { [Dsp4] = 1, [other] = 1, [dotted] = 2 }, await fresh.SpacesAsync(VectorCollection.Audio, default));
        Assert.Empty(await fresh.SearchAsync(VectorCollection.Text, Dsp4, new float[] { 1, 0, 0, 0 }, 5, SearchFilter.None, default));
    }

    [Fact]
    public async Task Writes_SurviveThrottling_ThroughRetries()
    {
        var backend = Backend(_service.Transport);
        _service.FailNext(FakeAzureSearchService.Error(429, "TooManyRequests", "Slow down.", ("Retry-After-ms", "1")));
        _service.FailNext(FakeAzureSearchService.Error(503, "ServiceUnavailable", "Busy.", ("Retry-After-ms", "1")));

        await backend.UpsertAsync(Track("t"), "1", [AudioVector(Dsp4, 1, 0, 0, 0)], default);

        Assert.Single(_service.Documents("af-audio-dsp-1-4"));
        Assert.Equal(5, _service.Transport.Requests.Count); // 2 failed listings, the listing, the index, the document
    }

    [Fact]
    public async Task Upsert_OfAVectorWithTheWrongLength_IsRefusedBeforeAnyRequest()
    {
        var backend = Backend(_service.Transport);

        await Assert.ThrowsAsync<ArgumentException>(() => backend.UpsertAsync(Track("t"), "1", [AudioVector(Dsp4, 1, 0, 0)], default));

        Assert.Empty(_service.Transport.Requests);
    }

    private static async Task StoreAll(AzureSearchBackend backend, IEnumerable<TestTrack> tracks)
    {
        foreach (var track in tracks)
        {
            var stored = Track(track.Id, [.. track.Fields.Artists], track.Fields.Album, [.. track.Fields.Genres]);
            var space = new EmbeddingSpace("dsp", "1", track.Vector.Length);
            await backend.UpsertAsync(stored, "1", [AudioVector(space, track.Vector)], default);
        }
    }

    private static void AssertMatchesReference(List<(string Id, double Score)> expected, IReadOnlyList<SearchHit> hits, int k)
    {
        var top = expected.Take(k).ToList();
        Assert.Equal(top.Select(h => h.Id), hits.Select(h => h.TrackId));
        for (var i = 0; i < top.Count; i++)
            Assert.Equal(top[i].Score, hits[i].Score, IndexTestData.ScoreTolerance);
    }
}
