using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>Upserts, removals, tombstones and rebuilds, on partitions large enough to be searched through the graph.</summary>
public sealed class HnswVectorIndexWriteTests
{
    private const VectorCollection Audio = VectorCollection.Audio;
    private const int K = 10;

    [Fact]
    public void Upsert_ReplacesTheVector_AndTheOldOneIsNeverReturned()
    {
        var random = new Random(3);
        var tracks = RandomTracks(random, 3_000, Space64.Dimensions);
        var index = HnswOf(tracks, new HnswSettings());
        var replaced = tracks.Take(300).ToList();
        var newVectors = replaced.ToDictionary(t => t.Id, _ => RandomVector(random, Space64.Dimensions));
        foreach (var track in replaced)
            index.Upsert(Audio, Space64, track.Id, newVectors[track.Id], track.Fields, "v2");

        Assert.Equal(tracks.Count, index.Count(Audio, Space64));
        foreach (var track in replaced)
        {
            // Searching with the old vector: an exact copy would score 1, so any hit of this track
            // scoring ≈ 1 would be the old node.
            var hits = index.Search(Audio, Space64, track.Vector, K, SearchFilter.None);
            Assert.DoesNotContain(hits, h => h.TrackId == track.Id && h.Score > 0.999f);
            // Searching with the new vector finds the track first.
            var top = index.Search(Audio, Space64, newVectors[track.Id], 1, SearchFilter.None);
            Assert.Equal(track.Id, top[0].TrackId);
            Assert.True(top[0].Score > 0.9999f);
            var stored = new float[Space64.Dimensions];
            Assert.True(index.TryGetVector(Audio, Space64, track.Id, stored));
            Assert.True(Cosine(stored, newVectors[track.Id]) > 0.99999);
        }
        Assert.Equal("v2", index.Versions(Audio, Space64)[replaced[0].Id]);
    }

    [Fact]
    public void Remove_TakesTheTrackOutOfResults_AndCount()
    {
        var random = new Random(4);
        var tracks = RandomTracks(random, 3_000, Space64.Dimensions);
        var index = HnswOf(tracks, new HnswSettings());
        var removed = tracks.Take(200).ToList();
        foreach (var track in removed)
            Assert.True(index.Remove(Audio, Space64, track.Id));

        Assert.False(index.Remove(Audio, Space64, removed[0].Id));
        Assert.Equal(2_800, index.Count(Audio, Space64));
        Assert.Equal(2_800, index.Versions(Audio, Space64).Count);
        foreach (var track in removed)
        {
            var hits = index.Search(Audio, Space64, track.Vector, K, SearchFilter.None);
            Assert.Equal(K, hits.Count);
            Assert.DoesNotContain(hits, h => h.TrackId == track.Id);
            Assert.False(index.TryGetVector(Audio, Space64, track.Id, new float[Space64.Dimensions]));
        }
    }

    [Fact]
    public void HeavyChurn_KeepsRecall_AndRebuildReclaimsTombstones()
    {
        var random = new Random(5);
        var space = new EmbeddingSpace("clap", "v1", 128);
        var vectors = ClusteredVectors.Generate(random, 4_000, space.Dimensions, clusters: 40, spread: 0.6f);
        var ids = Enumerable.Range(0, 2_000).Select(i => $"t-{i:D4}").ToArray();
        var index = new HnswVectorIndex(new HnswSettings(ExactBelow: 0));
        var exact = new ExactVectorIndex();
        var current = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            index.Upsert(Audio, space, ids[i], vectors[i], NoFields);
            exact.Upsert(Audio, space, ids[i], vectors[i], NoFields);
        }
        // Three rounds of replacing every track with another vector of the pool and removing a tenth:
        // 6,000+ tombstones, far past the rebuild threshold.
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < ids.Length; i++)
            {
                current[i] = random.Next(vectors.Length);
                index.Upsert(Audio, space, ids[i], vectors[current[i]], NoFields);
                exact.Upsert(Audio, space, ids[i], vectors[current[i]], NoFields);
            }
            for (var i = round; i < ids.Length; i += 10)
            {
                index.Remove(Audio, space, ids[i]);
                exact.Remove(Audio, space, ids[i]);
            }
        }

        var partition = index.Partition(Audio, space)!;
        Assert.Equal(exact.Count(Audio, space), index.Count(Audio, space));
        Assert.True(partition.NodeCount < 2 * ids.Length, $"{partition.NodeCount} nodes: tombstones were never reclaimed");
        Assert.True(partition.DeletedCount <= 0.25 * partition.NodeCount, $"{partition.DeletedCount} of {partition.NodeCount} nodes deleted");

        var found = 0;
        var queries = ClusteredVectors.Generate(new Random(6), 100, space.Dimensions, clusters: 40, spread: 0.6f);
        foreach (var query in queries)
        {
            var expected = exact.Search(Audio, space, query, K, SearchFilter.None).Select(h => h.TrackId).ToHashSet();
            var actual = index.Search(Audio, space, query, K, SearchFilter.None);
            Assert.Equal(K, actual.Count);
            Assert.Equal(K, actual.Select(h => h.TrackId).Distinct().Count());
            found += actual.Count(h => expected.Contains(h.TrackId));
        }
        Assert.True(found >= 0.95 * K * queries.Length, $"recall@10 {found / (double)(K * queries.Length):F3}");
    }

    [Fact]
    public void SmallPartitions_AreSearchedExactly()
    {
        var random = new Random(8);
        var tracks = RandomTracks(random, 1_500, Space64.Dimensions);
        var index = HnswOf(tracks, new HnswSettings(EfSearch: 1));
        for (var q = 0; q < 20; q++)
        {
            var query = RandomVector(random, Space64.Dimensions);
            AssertMatchesBruteForce(tracks, query, K, SearchFilter.None, index.Search(Audio, Space64, query, K, SearchFilter.None));
        }
    }

    [Fact]
    public void Search_FallsBackToExact_WhenAFilteredWalkFindsFewerThanK()
    {
        var random = new Random(9);
        var tracks = RandomTracks(random, 3_000, Space64.Dimensions);
        // 30 tracks (1 %) carry the genre; with efSearch 10 the walk stops long before meeting ten of them.
        tracks = [.. tracks.Select((t, i) => i % 100 == 42 ? t with { Fields = t.Fields with { Genres = ["Gamelan"] } } : t)];
        var index = HnswOf(tracks, new HnswSettings(EfSearch: 10, ExactBelow: 0, FilteredExactBelow: 0));
        var filter = Filter(genre: "gamelan");
        for (var q = 0; q < 20; q++)
        {
            var query = RandomVector(random, Space64.Dimensions);
            AssertMatchesBruteForce(tracks, query, K, filter, index.Search(Audio, Space64, query, K, filter));
        }
    }

    [Fact]
    public void Constructor_RejectsInvalidSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswVectorIndex(new HnswSettings(M: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswVectorIndex(new HnswSettings(EfSearch: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswVectorIndex(new HnswSettings(RebuildDeletedFraction: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswVectorIndex(new HnswSettings(Quantization: (HnswQuantization)7)));
    }

    private static HnswVectorIndex HnswOf(IEnumerable<TestTrack> tracks, HnswSettings settings)
    {
        var index = new HnswVectorIndex(settings);
        foreach (var track in tracks)
            index.Upsert(Audio, Space64, track.Id, track.Vector, track.Fields, "etag-" + track.Id);
        return index;
    }
}
