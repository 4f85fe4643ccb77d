using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing;

/// <summary>
/// Search results against a brute-force reference: ranking, scores, ties, k and filters. The contract of
/// <see cref="IVectorIndex.Search"/>: other indexes run the same tests by overriding <see cref="NewIndex"/>.
/// </summary>
public class ExactVectorIndexSearchTests
{
    private const VectorCollection Audio = VectorCollection.Audio;

    /// <summary>An empty index of the kind under test.</summary>
    protected virtual IVectorIndex NewIndex() => new ExactVectorIndex();

    private IVectorIndex IndexOf(IEnumerable<TestTrack> tracks, EmbeddingSpace space)
    {
        var index = NewIndex();
        foreach (var track in tracks)
            index.Upsert(Audio, space, track.Id, track.Vector, track.Fields);
        return index;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(137)]
    [InlineData(2_000)]
    [InlineData(int.MaxValue)]
    public void Search_MatchesBruteForce_ForRandomVectorsAndAnyK(int k)
    {
        var random = new Random(1234 + k % 1000);
        var tracks = RandomTracks(random, 2_000, Space64.Dimensions);
        var index = IndexOf(tracks, Space64);

        for (var q = 0; q < 20; q++)
        {
            var query = RandomVector(random, Space64.Dimensions);
            var hits = index.Search(Audio, Space64, query, k, SearchFilter.None);
            AssertMatchesBruteForce(tracks, query, k, SearchFilter.None, hits);
        }
    }

    [Fact]
    public void Search_ScoresDoNotDependOnQueryOrVectorScale()
    {
        var random = new Random(7);
        var tracks = RandomTracks(random, 300, Space64.Dimensions);
        var index = IndexOf(tracks, Space64);
        var scaledIndex = IndexOf(tracks.Select(t => t with { Vector = t.Vector.Select(x => x * 1e-3f).ToArray() }), Space64);
        var query = RandomVector(random, Space64.Dimensions);
        var scaledQuery = query.Select(x => x * 250f).ToArray();

        var hits = index.Search(Audio, Space64, query, 25, SearchFilter.None);
        var scaledHits = scaledIndex.Search(Audio, Space64, scaledQuery, 25, SearchFilter.None);

        AssertMatchesBruteForce(tracks, query, 25, SearchFilter.None, scaledHits);
        Assert.Equal(hits.Select(h => h.TrackId), scaledHits.Select(h => h.TrackId));
    }

    [Fact]
    public void Search_OrdersEqualScoresByTrackIdOrdinal_WhenVectorsAreIdentical()
    {
        var space = new EmbeddingSpace("clap", "v1", 4);
        var index = NewIndex();
        foreach (var id in new[] { "c", "a", "B", "b", "aa" })
            index.Upsert(Audio, space, id, [1, 2, 3, 4], NoFields);
        index.Upsert(Audio, space, "best", [1, 2, 3, 4.5f], NoFields);

        var hits = index.Search(Audio, space, [1, 2, 3, 5], 4, SearchFilter.None);

        Assert.Equal(["best", "B", "a", "aa"], hits.Select(h => h.TrackId));
        Assert.Equal(hits[1].Score, hits[2].Score);
        Assert.Equal(hits[2].Score, hits[3].Score);
    }

    [Fact]
    public void Search_ReturnsEmpty_WhenThePartitionHoldsNothing()
    {
        var index = NewIndex();
        Assert.Empty(index.Search(Audio, Space64, RandomVector(new Random(1), 64), 10, SearchFilter.None));

        index.Upsert(Audio, Space64, "only", RandomVector(new Random(2), 64), NoFields);
        index.Remove(Audio, Space64, "only");
        Assert.Empty(index.Search(Audio, Space64, RandomVector(new Random(3), 64), 10, SearchFilter.None));
    }

    [Fact]
    public void Search_ExcludesIds_AndStillReturnsK()
    {
        var random = new Random(11);
        var tracks = RandomTracks(random, 500, Space64.Dimensions);
        var index = IndexOf(tracks, Space64);
        var query = RandomVector(random, Space64.Dimensions);
        // Exclude the ten best, plus ids the index has never seen.
        var best = BruteForce(tracks, query, SearchFilter.None).Take(10).Select(h => h.Id).ToArray();
        var filter = Filter(excludeIds: [.. best, "unknown-1", "unknown-2"]);

        var hits = index.Search(Audio, Space64, query, 10, filter);

        Assert.Equal(10, hits.Count);
        Assert.DoesNotContain(hits, h => best.Contains(h.TrackId));
        AssertMatchesBruteForce(tracks, query, 10, filter, hits);
    }

    public static TheoryData<string?, string?, string?> FieldFilters => new()
    {
        { "miles", null, null },
        { "  MILES\t", null, null },
        { null, "kind of blue", null },
        { null, "green", null },
        { null, null, "JAZZ" },
        { null, null, " ambient" },
        { "Coltrane", null, "jazz" },
        { "evans", "blue", "rock" },
        { "", " ", null },
    };

    [Theory]
    [MemberData(nameof(FieldFilters))]
    public void Search_FiltersByArtistAlbumAndGenre_CaseInsensitiveAfterTrimming(string? artist, string? album, string? genre)
    {
        var random = new Random(21);
        var tracks = RandomTracks(random, 1_500, Space64.Dimensions);
        var index = IndexOf(tracks, Space64);
        var filter = Filter(artist, album, genre, tracks[0].Id, tracks[1].Id);
        Assert.Contains(tracks, t => filter.Matches(t.Fields, t.Id));

        for (var q = 0; q < 10; q++)
        {
            var query = RandomVector(random, Space64.Dimensions);
            var hits = index.Search(Audio, Space64, query, 20, filter);
            AssertMatchesBruteForce(tracks, query, 20, filter, hits);
        }
    }

    [Fact]
    public void Search_ReturnsK_WhenAVerySelectiveFilterMatchesAtLeastK()
    {
        var random = new Random(31);
        var tracks = RandomTracks(random, 5_000, Space64.Dimensions);
        // 12 tracks (0.24 %) are the only ones with this genre, none of them near the front of the rows.
        var rare = Enumerable.Range(0, 12).Select(i => 400 * i + 17).ToHashSet();
        tracks = [.. tracks.Select((t, i) => rare.Contains(i) ? t with { Fields = t.Fields with { Genres = ["Gagaku"] } } : t)];
        var index = IndexOf(tracks, Space64);
        var filter = Filter(genre: "gagaku");

        var query = RandomVector(random, Space64.Dimensions);
        var hits = index.Search(Audio, Space64, query, 10, filter);

        Assert.Equal(10, hits.Count);
        AssertMatchesBruteForce(tracks, query, 10, filter, hits);
    }

    [Fact]
    public void Search_ReturnsEveryMatch_WhenFewerThanKMatch()
    {
        var random = new Random(41);
        var tracks = RandomTracks(random, 1_000, Space64.Dimensions);
        tracks[123] = tracks[123] with { Fields = new TrackFilterFields(["Hildegard"], "Ordo", []) };
        tracks[777] = tracks[777] with { Fields = new TrackFilterFields(["Perotin", " hildegard "], null, []) };
        var index = IndexOf(tracks, Space64);
        var query = RandomVector(random, Space64.Dimensions);

        var hits = index.Search(Audio, Space64, query, 10, Filter(artist: "HILDEGARD"));

        Assert.Equal(2, hits.Count);
        Assert.Equal(new[] { tracks[123].Id, tracks[777].Id }.Order(StringComparer.Ordinal), hits.Select(h => h.TrackId).Order(StringComparer.Ordinal));
        AssertMatchesBruteForce(tracks, query, 10, Filter(artist: "HILDEGARD"), hits);
    }

    [Fact]
    public void Search_ReturnsEmpty_WhenTheFilterValueOccursInNoTrack()
    {
        var random = new Random(51);
        var index = IndexOf(RandomTracks(random, 200, Space64.Dimensions), Space64);

        var hits = index.Search(Audio, Space64, RandomVector(random, Space64.Dimensions), 10, Filter(genre: "Polka"));

        Assert.Empty(hits);
    }

    [Fact]
    public void Search_UsesTheNewFields_AfterAnUpsertChangesThem()
    {
        var random = new Random(61);
        var space = new EmbeddingSpace("clap", "v1", 8);
        var index = NewIndex();
        var vector = RandomVector(random, 8);
        index.Upsert(Audio, space, "t", vector, new TrackFilterFields(["Old Artist"], "Old", ["Old Genre"]));
        index.Upsert(Audio, space, "t", vector, new TrackFilterFields(["New Artist"], "New", ["New Genre"]));

        Assert.Empty(index.Search(Audio, space, vector, 5, Filter(artist: "old artist")));
        Assert.Empty(index.Search(Audio, space, vector, 5, Filter(album: "old")));
        Assert.Single(index.Search(Audio, space, vector, 5, Filter(artist: "new artist", album: "NEW", genre: "new genre")));
    }

    [Fact]
    public void Search_RejectsBadArguments_WithArgumentExceptions()
    {
        var index = IndexOf(RandomTracks(new Random(71), 10, Space64.Dimensions), Space64);
        var query = RandomVector(new Random(72), 64);

        Assert.Throws<ArgumentException>("query", () => index.Search(Audio, Space64, new float[63], 10, SearchFilter.None));
        Assert.Throws<ArgumentException>("query", () => index.Search(Audio, Space64, new float[64], 10, SearchFilter.None));
        Assert.Throws<ArgumentException>("query", () => index.Search(Audio, Space64, [.. query[..63], float.NaN], 10, SearchFilter.None));
        Assert.Throws<ArgumentOutOfRangeException>("k", () => index.Search(Audio, Space64, query, 0, SearchFilter.None));
        Assert.Throws<ArgumentNullException>("filter", () => index.Search(Audio, Space64, query, 10, null!));
        Assert.Throws<ArgumentOutOfRangeException>("collection", () => index.Search((VectorCollection)7, Space64, query, 10, SearchFilter.None));
    }
}
