using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>
/// The graph index's snapshot: it carries the graph itself, so a load restores the same index (same links, same
/// tombstones, same answers) without rebuilding it, and any damage is refused as corruption.
/// </summary>
public sealed class HnswVectorIndexSnapshotTests
{
    private const VectorCollection Audio = VectorCollection.Audio;
    private static readonly EmbeddingSpace Small = new("lexical", "1", 16);

    /// <summary>A graph-sized partition with replacements and removals (tombstones), plus a small second partition.</summary>
    private static (HnswVectorIndex Index, List<TestTrack> Tracks) Worn(HnswSettings settings)
    {
        var random = new Random(17);
        var tracks = RandomTracks(random, 4_000, Space64.Dimensions);
        var index = new HnswVectorIndex(settings with { RebuildDeletedFraction = 1 });
        foreach (var track in tracks)
            index.Upsert(Audio, Space64, track.Id, track.Vector, track.Fields, "v1");
        foreach (var track in tracks.Take(300))
            index.Upsert(Audio, Space64, track.Id, RandomVector(random, Space64.Dimensions), track.Fields, "v2");
        foreach (var track in tracks.Skip(300).Take(200))
            index.Remove(Audio, Space64, track.Id);
        foreach (var track in RandomTracks(random, 50, Small.Dimensions, "text"))
            index.Upsert(VectorCollection.Text, Small, track.Id, track.Vector, track.Fields, "t1");
        return (index, tracks);
    }

    private static byte[] Save(HnswVectorIndex index)
    {
        using var stream = new MemoryStream();
        index.SaveSnapshot(stream);
        return stream.ToArray();
    }

    private static HnswVectorIndex Load(byte[] bytes, HnswSettings settings) =>
        HnswVectorIndex.LoadSnapshot(new MemoryStream(bytes), settings);

    private static string Answers(HnswVectorIndex index, IEnumerable<float[]> queries, SearchFilter filter) =>
        string.Join('\n', queries.Select(q => string.Join(' ', index.Search(Audio, Space64, q, 10, filter).Select(h => $"{h.TrackId}:{h.Score:R}"))));

    [Theory]
    [InlineData(HnswQuantization.None)]
    [InlineData(HnswQuantization.Int8)]
    public void ALoadedIndex_IsTheSameGraph_AndGivesTheSameAnswers(HnswQuantization quantization)
    {
        var settings = new HnswSettings(Quantization: quantization, ExactBelow: 0, FilteredExactBelow: 0);
        var (index, tracks) = Worn(settings);
        var queries = RandomTracks(new Random(5), 40, Space64.Dimensions, "query").Select(t => t.Vector).ToList();
        var bytes = Save(index);

        var loaded = Load(bytes, settings);

        // Saving the loaded index again gives the same bytes: nodes, levels, links, tombstones and entry point
        // all came back as they were (a rebuild would draw other levels and other links).
        Assert.Equal(bytes, Save(loaded));
        Assert.Equal(Answers(index, queries, SearchFilter.None), Answers(loaded, queries, SearchFilter.None));
        var filter = Filter(genre: tracks.First(t => t.Fields.Genres.Count > 0).Fields.Genres[0]);
        Assert.Equal(Answers(index, queries, filter), Answers(loaded, queries, filter));
        Assert.Equal(index.Count(Audio, Space64), loaded.Count(Audio, Space64));
        Assert.Equal(index.Versions(Audio, Space64), loaded.Versions(Audio, Space64));
        Assert.Equal(50, loaded.Count(VectorCollection.Text, Small));
        Assert.Equal(500, loaded.Partition(Audio, Space64)!.DeletedCount);
    }

    [Fact]
    public void ALoadedIndex_TakesWritesAsAnyOther()
    {
        var settings = new HnswSettings(ExactBelow: 0);
        var (index, tracks) = Worn(settings);
        var loaded = Load(Save(index), settings);
        var random = new Random(8);

        var moved = RandomVector(random, Space64.Dimensions);
        loaded.Upsert(Audio, Space64, tracks[1_000].Id, moved, tracks[1_000].Fields, "v3");
        loaded.Remove(Audio, Space64, tracks[1_001].Id);
        var added = RandomVector(random, Space64.Dimensions);
        loaded.Upsert(Audio, Space64, "new-track", added, NoFields, "n1");

        Assert.Equal(tracks[1_000].Id, loaded.Search(Audio, Space64, moved, 1, SearchFilter.None)[0].TrackId);
        Assert.Equal("new-track", loaded.Search(Audio, Space64, added, 1, SearchFilter.None)[0].TrackId);
        Assert.DoesNotContain(loaded.Search(Audio, Space64, tracks[1_001].Vector, 10, SearchFilter.None), h => h.TrackId == tracks[1_001].Id);
        Assert.Equal(index.Count(Audio, Space64), loaded.Count(Audio, Space64));
    }

    [Fact]
    public void ASnapshotBuiltWithAnotherM_IsRebuiltWithTheConfiguredOne()
    {
        var (index, _) = Worn(new HnswSettings(M: 8, ExactBelow: 0));
        var loaded = Load(Save(index), new HnswSettings(M: 12, ExactBelow: 0));

        Assert.Equal(12, loaded.Partition(Audio, Space64)!.M);
        Assert.Equal(0, loaded.Partition(Audio, Space64)!.DeletedCount);
        Assert.Equal(index.Versions(Audio, Space64), loaded.Versions(Audio, Space64));
    }

    [Fact]
    public void AnyDamage_IsRefusedAsCorruption()
    {
        var (index, _) = Worn(new HnswSettings());
        var bytes = Save(index);

        for (var position = 0; position < bytes.Length; position += bytes.Length / 97)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[position] ^= 0x5A;
            Assert.Throws<InvalidDataException>(() => Load(flipped, new HnswSettings()));
        }
        foreach (var length in new[] { 0, 3, 12, bytes.Length / 2, bytes.Length - 1 })
            Assert.Throws<InvalidDataException>(() => Load(bytes[..length], new HnswSettings()));
        Assert.Throws<InvalidDataException>(() => Load([.. bytes, 0], new HnswSettings()));
    }

    [Fact]
    public void AnEmptyIndex_RoundTrips()
    {
        var empty = new HnswVectorIndex();
        var loaded = Load(Save(empty), HnswSettings.Default);
        Assert.Empty(loaded.Spaces(Audio));
        Assert.Equal(Save(empty), Save(loaded));
    }
}
