using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing;

/// <summary>Upsert, remove, validation, and the separation of collections and spaces.</summary>
public sealed class ExactVectorIndexWriteTests
{
    private const VectorCollection Audio = VectorCollection.Audio;
    private const VectorCollection Text = VectorCollection.Text;

    [Fact]
    public void Upsert_StoresTheUnitVector_OfWhatItWasGiven()
    {
        var space = new EmbeddingSpace("clap", "v1", 4);
        var index = new ExactVectorIndex();
        index.Upsert(Audio, space, "t", [3, 0, -4, 0], NoFields);

        var stored = new float[4];
        Assert.True(index.TryGetVector(Audio, space, "t", stored));

        Assert.Equal([0.6f, 0f, -0.8f, 0f], stored);
    }

    [Theory]
    [InlineData(1e30f)]
    [InlineData(1e-30f)]
    [InlineData(float.MaxValue)]
    [InlineData(float.Epsilon)]
    public void Upsert_NormalisesExtremeMagnitudes_WithoutOverflowOrUnderflow(float magnitude)
    {
        var space = new EmbeddingSpace("clap", "v1", 3);
        var index = new ExactVectorIndex();
        index.Upsert(Audio, space, "t", [magnitude, magnitude, magnitude], NoFields);

        var stored = new float[3];
        index.TryGetVector(Audio, space, "t", stored);

        Assert.All(stored, x => Assert.Equal(1 / Math.Sqrt(3), x, 1e-6));
    }

    [Fact]
    public void Upsert_ReplacesVectorFieldsAndVersionTag_WhenTheTrackExists()
    {
        var random = new Random(3);
        var tracks = RandomTracks(random, 50, Space64.Dimensions);
        var index = IndexOf(tracks, Space64);
        var replacement = RandomVector(random, 64);

        index.Upsert(Audio, Space64, tracks[10].Id, replacement, new TrackFilterFields(["Someone Else"], null, []), "etag-2");

        Assert.Equal(50, index.Count(Audio, Space64));
        Assert.Equal("etag-2", index.Versions(Audio, Space64)[tracks[10].Id]);
        var best = index.Search(Audio, Space64, replacement, 1, SearchFilter.None);
        Assert.Equal(tracks[10].Id, best[0].TrackId);
        Assert.Equal(1.0, best[0].Score, ScoreTolerance);
        Assert.Equal([tracks[10].Id], index.Search(Audio, Space64, replacement, 5, Filter(artist: "someone else")).Select(h => h.TrackId));
    }

    [Fact]
    public void Upsert_StoresAnEmptyVersionTag_WhenCalledThroughTheInterface()
    {
        IVectorIndex index = new ExactVectorIndex();
        index.Upsert(Audio, Space64, "t", RandomVector(new Random(1), 64), NoFields);

        Assert.Equal(new Dictionary<string, string> { ["t"] = "" }, index.Versions(Audio, Space64));
    }

    public static TheoryData<float[]> BadVectors => new()
    {
        new float[8],                                  // zero: no direction
        new float[] { 1, 2, 3, 4, 5, 6, 7 },           // 7 ≠ 8 dimensions
        new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 },     // 9 ≠ 8 dimensions
        new float[] { float.NaN, 2, 3, 4, 5, 6, 7, 8 },
        new float[] { 1, 2, 3, 4, float.NaN, 6, 7, 8 },
        new float[] { 1, 2, 3, 4, 5, 6, 7, float.NaN },
        new float[] { 1, 2, 3, float.PositiveInfinity, 5, 6, 7, 8 },
        new float[] { 1, 2, 3, 4, 5, 6, 7, float.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(BadVectors))]
    public void Upsert_RejectsTheVector_WhenZeroNonFiniteOrOfTheWrongLength(float[] vector)
    {
        var space = new EmbeddingSpace("clap", "v1", 8);
        var index = new ExactVectorIndex();

        Assert.Throws<ArgumentException>("vector", () => index.Upsert(Audio, space, "t", vector, NoFields));
        Assert.Equal(0, index.Count(Audio, space));
    }

    [Fact]
    public void Upsert_RejectsMissingIdsFieldsAndTags()
    {
        var index = new ExactVectorIndex();
        var vector = RandomVector(new Random(1), 64);

        Assert.Throws<ArgumentException>("trackId", () => index.Upsert(Audio, Space64, "", vector, NoFields));
        Assert.Throws<ArgumentNullException>("trackId", () => index.Upsert(Audio, Space64, null!, vector, NoFields));
        Assert.Throws<ArgumentNullException>("fields", () => index.Upsert(Audio, Space64, "t", vector, null!));
        Assert.Throws<ArgumentException>("fields", () => index.Upsert(Audio, Space64, "t", vector, new TrackFilterFields(null!, null, [])));
        Assert.Throws<ArgumentNullException>("versionTag", () => index.Upsert(Audio, Space64, "t", vector, NoFields, null!));
        Assert.Throws<ArgumentException>("space", () => index.Upsert(Audio, new EmbeddingSpace("x", "1", 70_000), "t", new float[70_000], NoFields));
    }

    [Fact]
    public void Remove_DeletesOnlyThatTrack_AndSearchesStayExact()
    {
        var random = new Random(5);
        var tracks = RandomTracks(random, 1_000, Space64.Dimensions);
        var index = IndexOf(tracks, Space64);
        // Removing from the front, middle and end exercises the swap-with-last path and its no-swap case.
        var removed = new[] { 0, 1, 500, 998, 999 }.Concat(Enumerable.Range(0, 300).Select(_ => random.Next(1_000))).Distinct().ToHashSet();
        foreach (var i in removed)
            Assert.True(index.Remove(Audio, Space64, tracks[i].Id));
        var kept = tracks.Where((_, i) => !removed.Contains(i)).ToList();

        Assert.Equal(kept.Count, index.Count(Audio, Space64));
        Assert.Equal(kept.Select(t => t.Id).Order(StringComparer.Ordinal), index.Versions(Audio, Space64).Keys.Order(StringComparer.Ordinal));
        Assert.False(index.TryGetVector(Audio, Space64, tracks[500].Id, new float[64]));
        for (var q = 0; q < 10; q++)
        {
            var query = RandomVector(random, 64);
            AssertMatchesBruteForce(kept, query, 50, SearchFilter.None, index.Search(Audio, Space64, query, 50, SearchFilter.None));
            AssertMatchesBruteForce(kept, query, 50, Filter(genre: "rock"), index.Search(Audio, Space64, query, 50, Filter(genre: "rock")));
        }
    }

    [Fact]
    public void Remove_ReturnsFalse_WhenTheTrackIsAbsent()
    {
        var index = IndexOf(RandomTracks(new Random(1), 5, 64), Space64);

        Assert.False(index.Remove(Audio, Space64, "nobody"));
        Assert.False(index.Remove(Text, Space64, "track-00000"));
        Assert.False(index.Remove(Audio, Space64 with { Version = "v2" }, "track-00000"));
        Assert.Equal(5, index.Count(Audio, Space64));
    }

    [Fact]
    public void RandomUpsertsAndRemoves_AgreeWithAModel()
    {
        var random = new Random(9);
        var space = new EmbeddingSpace("clap", "v1", 16);
        var index = new ExactVectorIndex();
        var model = new Dictionary<string, TestTrack>();
        var pool = RandomTracks(random, 400, 16);
        for (var step = 0; step < 5_000; step++)
        {
            var track = pool[random.Next(pool.Count)];
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(track.Id), index.Remove(Audio, space, track.Id));
            }
            else
            {
                track = track with { Vector = RandomVector(random, 16) };
                model[track.Id] = track;
                index.Upsert(Audio, space, track.Id, track.Vector, track.Fields, $"v{step}");
            }
            if (step % 500 == 0)
            {
                var query = RandomVector(random, 16);
                AssertMatchesBruteForce(model.Values, query, 30, SearchFilter.None, index.Search(Audio, space, query, 30, SearchFilter.None));
            }
        }
        Assert.Equal(model.Count, index.Count(Audio, space));
        var stored = new float[16];
        foreach (var track in model.Values)
        {
            Assert.True(index.TryGetVector(Audio, space, track.Id, stored));
            Assert.Equal(1.0, Cosine(stored, track.Vector), 1e-6);
        }
    }

    [Fact]
    public void Search_NeverReturnsAnotherSpacesOrCollectionsVectors_EvenWithEqualDimensions()
    {
        var random = new Random(13);
        var clapV1 = new EmbeddingSpace("clap", "v1", 32);
        var clapV2 = new EmbeddingSpace("clap", "v2", 32);
        var mert = new EmbeddingSpace("mert", "v1", 32);
        var index = new ExactVectorIndex();
        var vector = RandomVector(random, 32);
        // The same track id and the same vector everywhere, with distinct tags to tell the copies apart.
        index.Upsert(Audio, clapV1, "t", vector, NoFields, "audio-clap-v1");
        index.Upsert(Audio, clapV2, "t", vector, NoFields, "audio-clap-v2");
        index.Upsert(Text, clapV1, "t", vector, NoFields, "text-clap-v1");
        index.Upsert(Audio, clapV1, "other", RandomVector(random, 32), NoFields, "x");

        Assert.Equal(2, index.Count(Audio, clapV1));
        Assert.Equal(1, index.Count(Audio, clapV2));
        Assert.Equal(1, index.Count(Text, clapV1));
        Assert.Equal(0, index.Count(Audio, mert));
        Assert.Empty(index.Search(Audio, mert, vector, 10, SearchFilter.None));
        Assert.Equal(["t"], index.Search(Audio, clapV2, vector, 10, SearchFilter.None).Select(h => h.TrackId));
        Assert.Equal("text-clap-v1", index.Versions(Text, clapV1)["t"]);

        Assert.True(index.Remove(Audio, clapV1, "t"));
        Assert.Equal(["other"], index.Search(Audio, clapV1, vector, 10, SearchFilter.None).Select(h => h.TrackId));
        Assert.Equal(["t"], index.Search(Text, clapV1, vector, 10, SearchFilter.None).Select(h => h.TrackId));
        Assert.Equal("audio-clap-v2", index.Versions(Audio, clapV2)["t"]);
    }

    [Fact]
    public void Spaces_ListsTheNonEmptySpacesOfOneCollection()
    {
        var a = new EmbeddingSpace("clap", "v1", 8);
        var b = new EmbeddingSpace("clap", "v2", 8);
        var c = new EmbeddingSpace("mert", "v1", 16);
        var index = new ExactVectorIndex();
        index.Upsert(Audio, a, "t", RandomVector(new Random(1), 8), NoFields);
        index.Upsert(Audio, b, "t", RandomVector(new Random(2), 8), NoFields);
        index.Upsert(Text, c, "t", RandomVector(new Random(3), 16), NoFields);
        index.Remove(Audio, b, "t");

        Assert.Equal([a], index.Spaces(Audio));
        Assert.Equal([c], index.Spaces(Text));
    }

    [Fact]
    public void TryGetVector_ReturnsFalseForAbsentTracks_AndRejectsShortDestinations()
    {
        var index = IndexOf(RandomTracks(new Random(1), 3, 64), Space64);

        Assert.False(index.TryGetVector(Audio, Space64, "nobody", new float[64]));
        Assert.True(index.TryGetVector(Audio, Space64, "track-00001", new float[100]));
        Assert.Throws<ArgumentException>("destination", () => index.TryGetVector(Audio, Space64, "track-00001", new float[63]));
    }
}
