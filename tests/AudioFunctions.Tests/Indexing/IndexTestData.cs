using AudioFunctions.Embedding;
using AudioFunctions.Indexing;

namespace AudioFunctions.Tests.Indexing;

/// <summary>A track as the tests know it: the raw vector they gave the index and its filter fields.</summary>
internal sealed record TestTrack(string Id, float[] Vector, TrackFilterFields Fields);

/// <summary>Random vectors and tracks with fixed seeds, and a brute-force reference search to check an index against.</summary>
internal static class IndexTestData
{
    /// <summary>Score tolerance: the index works in float, the reference in double.</summary>
    public const double ScoreTolerance = 1e-5;

    public static readonly EmbeddingSpace Space64 = new("clap", "v1", 64);

    public static TrackFilterFields NoFields { get; } = new([], null, []);

    /// <summary>Components drawn from N(0, 1) (Box–Muller), so directions are uniform on the sphere.</summary>
    public static float[] RandomVector(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            vector[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return vector;
    }

    /// <summary>
    /// <paramref name="count"/> tracks with random vectors and fields drawn from small pools, so filters
    /// select meaningful subsets: 5 albums, 8 artists (one or two per track), 6 genres (zero to two).
    /// Spelling of the values varies in case and surrounding blanks.
    /// </summary>
    public static List<TestTrack> RandomTracks(Random random, int count, int dimensions, string idPrefix = "track")
    {
        string[] albums = ["Blue", " Kind of Blue ", "Red", "GREEN", "Violet"];
        string[] artists = ["Miles", "miles ", "Coltrane", "Evans", " Monk", "Mingus", "Davis", "Parker"];
        string[] genres = ["Jazz", "jazz", "Rock", "Ambient ", "Folk", "Techno"];
        var tracks = new List<TestTrack>(count);
        for (var i = 0; i < count; i++)
        {
            var trackArtists = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => artists[random.Next(artists.Length)]).ToArray();
            var trackGenres = Enumerable.Range(0, random.Next(3)).Select(_ => genres[random.Next(genres.Length)]).ToArray();
            var album = random.Next(6) == 0 ? null : albums[random.Next(albums.Length)];
            tracks.Add(new TestTrack($"{idPrefix}-{i:D5}", RandomVector(random, dimensions), new TrackFilterFields(trackArtists, album, trackGenres)));
        }
        return tracks;
    }

    public static ExactVectorIndex IndexOf(IEnumerable<TestTrack> tracks, EmbeddingSpace space, VectorCollection collection = VectorCollection.Audio)
    {
        var index = new ExactVectorIndex();
        foreach (var track in tracks)
            index.Upsert(collection, space, track.Id, track.Vector, track.Fields, "etag-" + track.Id);
        return index;
    }

    /// <summary>Cosine similarity in double precision.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(aa * bb);
    }

    /// <summary>The reference answer: every matching track scored, sorted by score then id.</summary>
    public static List<(string Id, double Score)> BruteForce(IEnumerable<TestTrack> tracks, float[] query, SearchFilter filter) =>
        tracks.Where(t => filter.Matches(t.Fields, t.Id))
            .Select(t => (t.Id, Score: Cosine(query, t.Vector)))
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Asserts that <paramref name="actual"/> is the top k of the brute-force reference: min(k, matching)
    /// distinct matching tracks, each scored within <see cref="ScoreTolerance"/> of its cosine, rank i scored
    /// like reference rank i, ordered by (score, id) as the index promises, and the same id as the reference
    /// wherever the reference's neighbours are further than float noise away (elsewhere float and double
    /// may order a near-tie differently).
    /// </summary>
    public static void AssertMatchesBruteForce(IEnumerable<TestTrack> tracks, float[] query, int k, SearchFilter filter, IReadOnlyList<SearchHit> actual)
    {
        var reference = BruteForce(tracks, query, filter);
        var scoreOf = reference.ToDictionary(h => h.Id, h => h.Score);
        Assert.Equal(Math.Min(k, reference.Count), actual.Count);
        Assert.Equal(actual.Count, actual.Select(h => h.TrackId).Distinct().Count());
        for (var i = 0; i < actual.Count; i++)
        {
            var hit = actual[i];
            Assert.True(scoreOf.TryGetValue(hit.TrackId, out var cosine), $"hit {i} ({hit.TrackId}) does not match the filter");
            Assert.True(Math.Abs(cosine - hit.Score) <= ScoreTolerance, $"hit {i} ({hit.TrackId}): cosine {cosine}, score {hit.Score}");
            Assert.True(Math.Abs(reference[i].Score - hit.Score) <= ScoreTolerance, $"hit {i} ({hit.TrackId}) scored {hit.Score}; rank {i} of the reference scores {reference[i].Score}");
            if (i > 0)
                Assert.True(actual[i - 1].Score > hit.Score || (actual[i - 1].Score == hit.Score && string.CompareOrdinal(actual[i - 1].TrackId, hit.TrackId) < 0), $"hits {i - 1} and {i} are out of order");
            var nearTie = (i > 0 && reference[i - 1].Score - reference[i].Score <= 2 * ScoreTolerance)
                          || (i + 1 < reference.Count && reference[i].Score - reference[i + 1].Score <= 2 * ScoreTolerance);
            if (!nearTie)
                Assert.Equal(reference[i].Id, hit.TrackId);
        }
    }

    public static SearchFilter Filter(string? artist = null, string? album = null, string? genre = null, params string[] excludeIds) =>
        new(excludeIds.ToHashSet(StringComparer.Ordinal), artist, album, genre);
}
