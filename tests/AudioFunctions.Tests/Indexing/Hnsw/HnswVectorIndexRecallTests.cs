using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>Recall against the exact index on clustered 512-d vectors, with and without filters and int8 codes.</summary>
public sealed class HnswVectorIndexRecallTests(ClusteredIndexFixture data) : IClassFixture<ClusteredIndexFixture>
{
    private const VectorCollection Audio = VectorCollection.Audio;
    private const int K = 10;
    private static readonly EmbeddingSpace _space = ClusteredIndexFixture.Space;

    [Fact]
    public void Search_ReachesRecall95_OnClusteredVectors()
    {
        var recall = Recall(data.Float32, SearchFilter.None);
        Assert.True(recall >= 0.95, $"recall@10 {recall:F3}");
    }

    [Fact]
    public void Search_ReachesRecall95_WithInt8Codes_AndReturnsExactCosines()
    {
        var recall = Recall(data.Int8, SearchFilter.None);
        Assert.True(recall >= 0.95, $"recall@10 {recall:F3}");

        // Re-ranking on float32 means every returned score is the true cosine, not the int8 estimate.
        var byId = data.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => data.Vectors[p.i]);
        foreach (var query in data.Queries.Take(10))
        {
            foreach (var hit in data.Int8.Search(Audio, _space, query, K, SearchFilter.None))
                Assert.True(Math.Abs(Cosine(query, byId[hit.TrackId]) - hit.Score) <= ScoreTolerance, $"{hit.TrackId} scored {hit.Score}");
        }
    }

    [Theory]
    [InlineData(null, null, " genre 7 ")]   // 1 % of tracks
    [InlineData("ARTIST 3", null, null)]     // 2 %
    [InlineData(null, "album 11", null)]     // 0.25 %
    [InlineData("artist 3", null, "genre 3")] // both: 1 %
    public void Search_EqualsTheExactIndex_WhenAFilterMatchesFewTracks(string? artist, string? album, string? genre)
    {
        var filter = Filter(artist, album, genre);
        foreach (var index in new[] { data.Float32, data.Int8 })
        {
            foreach (var query in data.Queries)
            {
                var expected = data.Exact.Search(Audio, _space, query, K, filter);
                var actual = index.Search(Audio, _space, query, K, filter);
                Assert.Equal(K, actual.Count);
                Assert.Equal(expected.Select(h => h.TrackId), actual.Select(h => h.TrackId));
                Assert.Equal(expected.Select(h => h.Score), actual.Select(h => h.Score));
            }
        }
    }

    [Fact]
    public void Search_ReturnsKWithoutExcludedIds_AndKeepsRecall()
    {
        var hitsKept = 0;
        var hitsTotal = 0;
        foreach (var query in data.Queries)
        {
            // The 100 exact best: the graph must route around all of them to find the next ten.
            var excluded = data.Exact.Search(Audio, _space, query, 100, SearchFilter.None).Select(h => h.TrackId).ToArray();
            var filter = Filter(excludeIds: excluded);
            var expected = data.Exact.Search(Audio, _space, query, K, filter).Select(h => h.TrackId).ToHashSet();
            var actual = data.Float32.Search(Audio, _space, query, K, filter);

            Assert.Equal(K, actual.Count);
            Assert.DoesNotContain(actual, h => excluded.Contains(h.TrackId));
            hitsKept += actual.Count(h => expected.Contains(h.TrackId));
            hitsTotal += K;
        }
        var recall = hitsKept / (double)hitsTotal;
        Assert.True(recall >= 0.95, $"recall@10 {recall:F3}");
    }

    private double Recall(HnswVectorIndex index, SearchFilter filter)
    {
        var found = 0;
        foreach (var query in data.Queries)
        {
            var expected = data.Exact.Search(Audio, _space, query, K, filter).Select(h => h.TrackId).ToHashSet();
            var actual = index.Search(Audio, _space, query, K, filter);
            Assert.Equal(K, actual.Count);
            for (var i = 1; i < actual.Count; i++)
                Assert.True(actual[i - 1].Score >= actual[i].Score);
            found += actual.Count(h => expected.Contains(h.TrackId));
        }
        return found / (double)(K * data.Queries.Length);
    }
}
