using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// Exact search in <see cref="ExactVectorIndex"/> over random unit 512-d vectors (fixed seed), k = 10:
/// build time and memory, single-thread latency and QPS, 2-thread QPS, and a query filtered to a genre
/// that ~1 % of tracks carry. In-process: starts neither Azurite nor the app.
/// </summary>
public static class SearchBenchmark
{
    private const int Dimensions = 512;
    private const int K = 10;
    private const int GenreCount = 100;          // track i has genre i mod 100, so each genre holds 1 % of tracks
    private const string FilterGenre = "genre-7";
    private const int WarmUpQueries = 50;
    private const int Seed = 20_240_611;

    private static readonly EmbeddingSpace _space = new("bench", "1", Dimensions);

    public static Task<int> RunAsync(BenchmarkArguments args)
    {
        var sizes = args.Ints("sizes", [10_000, 100_000]);
        var queryCount = args.Int("queries", 2_000);
        Console.WriteLine($"exact search: {Dimensions}-d f32 unit vectors, k={K}, {queryCount} queries per measurement, " +
                          $"{Environment.ProcessorCount} cores, Vector256 {Vector256.IsHardwareAccelerated}, Vector512 {Vector512.IsHardwareAccelerated}");
        Console.WriteLine($"{"tracks",9} {"build s",8} {"index MB",9} {"B/track",8} | {"1T p50 ms",9} {"1T p99 ms",9} {"1T QPS",8} | {"2T QPS",8} | {"filt p50 ms",11} {"filt p99 ms",11} {"filt QPS",9}");

        var queries = RandomVectors(new Random(Seed + 1), queryCount);
        foreach (var size in sizes)
            Console.WriteLine(Measure(size, queries, queryCount));
        return Task.FromResult(0);
    }

    private static string Measure(int size, float[] queries, int queryCount)
    {
        var vectors = RandomVectors(new Random(Seed), size);
        var fields = new TrackFilterFields[GenreCount];
        for (var g = 0; g < GenreCount; g++)
            fields[g] = new TrackFilterFields([$"artist-{g}"], null, [$"genre-{g}"]);

        // The source vectors stay alive across both readings, so the difference is the index alone.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var build = Stopwatch.StartNew();
        var index = new ExactVectorIndex();
        for (var i = 0; i < size; i++)
            index.Upsert(VectorCollection.Audio, _space, $"track-{i}", vectors.AsSpan(i * Dimensions, Dimensions), fields[i % GenreCount]);
        build.Stop();
        var indexBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(vectors);

        var genreFilter = new SearchFilter(new HashSet<string>(), null, null, FilterGenre);
        Run(index, queries, WarmUpQueries, SearchFilter.None, threads: 1);
        Run(index, queries, WarmUpQueries, genreFilter, threads: 1);
        var single = Run(index, queries, queryCount, SearchFilter.None, threads: 1);
        var dual = Run(index, queries, queryCount, SearchFilter.None, threads: 2);
        var filtered = Run(index, queries, queryCount, genreFilter, threads: 1);

        return $"{size,9} {build.Elapsed.TotalSeconds,8:F2} {indexBytes / 1e6,9:F1} {indexBytes / (double)size,8:F0} | " +
               $"{single.P50Milliseconds,9:F3} {single.P99Milliseconds,9:F3} {single.OperationsPerSecond,8:F0} | " +
               $"{dual.OperationsPerSecond,8:F0} | " +
               $"{filtered.P50Milliseconds,11:F3} {filtered.P99Milliseconds,11:F3} {filtered.OperationsPerSecond,9:F0}";
    }

    /// <summary>Runs <paramref name="count"/> queries split over <paramref name="threads"/> threads, each timed.</summary>
    private static ThroughputSummary Run(ExactVectorIndex index, float[] queries, int count, SearchFilter filter, int threads)
    {
        var available = queries.Length / Dimensions;
        return TimedQueries.Run(count, threads, q =>
        {
            var hits = index.Search(VectorCollection.Audio, _space, queries.AsSpan(q % available * Dimensions, Dimensions), K, filter);
            if (hits.Count != K)
                throw new InvalidOperationException($"{hits.Count} hits instead of {K}");
        });
    }

    /// <summary><paramref name="count"/> row-major vectors with components uniform in [-1, 1); the index normalises them.</summary>
    private static float[] RandomVectors(Random random, int count)
    {
        var vectors = new float[count * Dimensions];
        for (var i = 0; i < vectors.Length; i++)
            vectors[i] = random.NextSingle() * 2 - 1;
        return vectors;
    }
}
