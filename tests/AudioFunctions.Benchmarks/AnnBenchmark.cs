using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Benchmarks;

/// <summary>
/// Approximate search: <see cref="HnswVectorIndex"/> against the exact index and, on the same vectors and
/// queries, faiss IndexHNSWFlat (inner product, same M / efConstruction / efSearch) through faiss_hnsw.py.
/// Per size and set: build time on every core, index bytes, recall@10 against exact ground truth (cached
/// under .data/ann/), QPS and p50/p99 at each thread count, and filtered queries (100 excluded ids that
/// include the true top 10; a genre 1 % of tracks carry) with how many returned k hits.
/// <c>ann [--sizes 100000] [--queries 1000] [--sets random,clustered] [--threads 1,2] [--quantization none,int8] [--ef 64] [--faiss yes]</c>
/// </summary>
public static class AnnBenchmark
{
    private const int Dimensions = 512;
    private const int K = 10;
    private const int M = 16;
    private const int EfConstruction = 128;
    private const int Clusters = 1_000;
    private const float ClusterSpread = 0.5f;          // cos(point, centre) = 1/√(1 + 0.5²) ≈ 0.89
    private const int GenreCount = 100;                // track i has genre i mod 100: 1 % each
    private const string FilterGenre = "genre-7";
    private const int ExcludedPerQuery = 100;
    private const int RowsPerGenerationChunk = 4_096;
    private const int Seed = 1_000_003;

    private static readonly EmbeddingSpace _space = new("ann", "1", Dimensions);

    public static Task<int> RunAsync(IReadOnlyList<string> raw)
    {
        var args = new BenchmarkArguments(raw);
        var sizes = args.Ints("sizes", [100_000]);
        var queryCount = args.Int("queries", 1_000);
        var sets = Strings(raw, "sets", ["random", "clustered"]);
        var threads = args.Ints("threads", [1, 2]);
        var quantizations = Strings(raw, "quantization", ["none"]);
        var efs = args.Ints("ef", [64]);
        var withFaiss = Strings(raw, "faiss", ["yes"])[0] == "yes";

        Console.WriteLine($"ann: {Dimensions}-d, k={K}, M={M}, efConstruction={EfConstruction}, efSearch {string.Join(",", efs)}, {queryCount} queries, " +
                          $"{Environment.ProcessorCount} cores (build uses all), Vector512 {Vector512.IsHardwareAccelerated}");
        CompareDotProducts();
        foreach (var size in sizes)
            foreach (var set in sets)
                Measure(set, size, queryCount, threads, quantizations, efs, withFaiss);
        return Task.FromResult(0);
    }

    private static void Measure(string set, int size, int queryCount, int[] threads, string[] quantizations, int[] efs, bool withFaiss)
    {
        Console.WriteLine();
        Console.WriteLine($"== {set}, {size:N0} vectors ==");
        var data = AnnData.LoadOrCreate(set, size, queryCount);
        Console.WriteLine($"mean cosine of the true nearest neighbour {data.MeanTopScore:F3}, of the 10th {data.MeanTenthScore:F3}");
        if (data.ExactQps2 > 0)
            Console.WriteLine($"exact index: ground truth {data.ExactQps2:F1} QPS at 2 threads");
        MeasureExact(data, threads);

        Console.WriteLine($"{"index",-14} {"ef",4} {"thr",3} {"recall",7} {"QPS",8} {"p50 ms",8} {"p99 ms",8}");
        foreach (var quantization in quantizations)
        {
            var settings = new HnswSettings(M, EfConstruction, efs[0], quantization == "int8" ? HnswQuantization.Int8 : HnswQuantization.None);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var build = Stopwatch.StartNew();
            var index = new HnswVectorIndex(settings);
            Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                index.Upsert(VectorCollection.Audio, _space, data.Id(i), data.Base.AsSpan(i * Dimensions, Dimensions), data.Fields[i % GenreCount]));
            build.Stop();
            var managed = GC.GetTotalMemory(forceFullCollection: true) - before;
            var label = "ours " + quantization;
            Console.WriteLine($"{label,-14} build {build.Elapsed.TotalSeconds:F1} s, index {index.MemoryBytes(VectorCollection.Audio, _space) / 1e6:F0} MB " +
                              $"({index.MemoryBytes(VectorCollection.Audio, _space) / (double)size:F0} B/vector; managed heap grew {managed / 1e6:F0} MB incl. ids)");
            foreach (var ef in efs)
                foreach (var t in threads)
                    Report(label, ef, t, Run(data, data.QueryCount, t, q => index.Search(VectorCollection.Audio, _space, data.Query(q), K, SearchFilter.None, ef)), data.Truth);
            var excluded = Run(data, data.QueryCount, 1, q => index.Search(VectorCollection.Audio, _space, data.Query(q), K, data.ExcludeFilter(q), efs[0]));
            Report(label + " excl100", efs[0], 1, excluded, data.TruthExcluded);
            var genre = new SearchFilter(new HashSet<string>(), null, null, FilterGenre);
            var byGenre = Run(data, data.QueryCount, 1, q => index.Search(VectorCollection.Audio, _space, data.Query(q), K, genre, efs[0]));
            Report(label + " genre1%", efs[0], 1, byGenre, data.TruthGenre);
            MeasureSnapshot(data, index, settings, efs[0]);
            GC.KeepAlive(index);
        }
        GC.Collect();

        if (withFaiss)
            RunFaiss(data, threads, efs);
    }

    /// <summary>Writes the index with its graph to a file, reads it back, and checks the loaded index answers alike.</summary>
    private static void MeasureSnapshot(AnnData data, HnswVectorIndex index, HnswSettings settings, int ef)
    {
        var path = Path.Combine(Path.GetDirectoryName(data.BasePath)!, "index.snapshot");
        var save = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            index.SaveSnapshot(file);
            file.Flush(flushToDisk: true);
        }
        save.Stop();
        var bytes = new FileInfo(path).Length;
        var load = Stopwatch.StartNew();
        HnswVectorIndex loaded;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            loaded = HnswVectorIndex.LoadSnapshot(file, settings);
        load.Stop();
        var same = 0;
        var sample = Math.Min(200, data.QueryCount);
        for (var q = 0; q < sample; q++)
        {
            var before = index.Search(VectorCollection.Audio, _space, data.Query(q), K, SearchFilter.None, ef);
            var after = loaded.Search(VectorCollection.Audio, _space, data.Query(q), K, SearchFilter.None, ef);
            if (before.Select(h => h.TrackId).SequenceEqual(after.Select(h => h.TrackId)))
                same++;
        }
        Console.WriteLine($"{"snapshot",-14} {bytes / 1e6:F0} MB written in {save.Elapsed.TotalSeconds:F1} s, loaded in {load.Elapsed.TotalSeconds:F1} s " +
                          $"(file cache warm); same top {K} after loading for {same}/{sample} queries");
        File.Delete(path);
        GC.KeepAlive(loaded);
    }

    private static void MeasureExact(AnnData data, int[] threads)
    {
        var exact = data.BuildExact();
        var sample = Math.Min(data.QueryCount, Math.Max(20, 20_000_000 / data.Size));
        foreach (var t in threads)
        {
            var result = Run(data, sample, t, q => exact.Search(VectorCollection.Audio, _space, data.Query(q), K, SearchFilter.None));
            Console.WriteLine($"exact index   {t} thr: {result.Summary.OperationsPerSecond,8:F1} QPS, p50 {result.Summary.P50Milliseconds:F2} ms, p99 {result.Summary.P99Milliseconds:F2} ms ({sample} queries)");
        }
    }

    private static void RunFaiss(AnnData data, int[] threads, int[] efs)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "AudioFunctions.Benchmarks", "faiss_hnsw.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     script, "--base", data.BasePath, "--queries", data.QueriesPath, "--truth", data.TruthPath,
                     "--dim", Dimensions.ToString(CultureInfo.InvariantCulture), "--k", K.ToString(CultureInfo.InvariantCulture),
                     "--m", M.ToString(CultureInfo.InvariantCulture), "--ef-construction", EfConstruction.ToString(CultureInfo.InvariantCulture),
                     "--ef-search", string.Join(",", efs), "--threads", string.Join(",", threads),
                     "--build-threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        while (process.StandardOutput.ReadLine() is { } line)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.TryGetProperty("build_s", out var buildSeconds))
            {
                var bytes = root.GetProperty("index_bytes").GetDouble();
                Console.WriteLine($"{"faiss",-14} build {buildSeconds.GetDouble():F1} s, index {bytes / 1e6:F0} MB ({bytes / data.Size:F0} B/vector)");
                continue;
            }
            Console.WriteLine($"{"faiss",-14} {root.GetProperty("ef").GetInt32(),4} {root.GetProperty("threads").GetInt32(),3} {root.GetProperty("recall").GetDouble(),7:F4} " +
                              $"{root.GetProperty("qps").GetDouble(),8:F0} {root.GetProperty("p50_ms").GetDouble(),8:F3} {root.GetProperty("p99_ms").GetDouble(),8:F3}" +
                              $"   (one batch call: {root.GetProperty("batch_qps").GetDouble():F0} QPS)");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
            Console.WriteLine($"faiss_hnsw.py exited with {process.ExitCode}");
    }

    private static void Report(string label, int ef, int threads, RunResult result, int[] truth)
    {
        var found = 0;
        var full = 0;
        for (var q = 0; q < result.Hits.Length; q++)
        {
            var hits = result.Hits[q];
            if (hits.Count == K)
                full++;
            foreach (var hit in hits)
                if (truth.AsSpan(q * K, K).Contains(AnnData.Position(hit.TrackId)))
                    found++;
        }
        var recall = found / (double)(K * result.Hits.Length);
        Console.WriteLine($"{label,-14} {ef,4} {threads,3} {recall,7:F4} {result.Summary.OperationsPerSecond,8:F0} {result.Summary.P50Milliseconds,8:F3} {result.Summary.P99Milliseconds,8:F3}" +
                          $"   k hits in {full}/{result.Hits.Length}");
    }

    /// <summary>Queries 0..count−1 split round-robin over <paramref name="threads"/> threads, each timed; after 50 warm-up queries.</summary>
    private static RunResult Run(AnnData data, int count, int threads, Func<int, IReadOnlyList<SearchHit>> search)
    {
        for (var q = 0; q < Math.Min(50, count); q++)
            search(q);
        var hits = new IReadOnlyList<SearchHit>[count];
        var summary = TimedQueries.Run(count, threads, q => hits[q] = search(q));
        GC.KeepAlive(data);
        return new RunResult(hits, summary);
    }

    /// <summary>ns per 512-d dot product: TensorPrimitives and a hand-written Vector256 loop against the walk's own <see cref="VectorDot"/>.</summary>
    private static void CompareDotProducts()
    {
        const int rows = 1_024;
        const int rounds = 2_000;
        var random = new Random(Seed);
        var matrix = new float[rows * Dimensions];
        var query = new float[Dimensions];
        for (var i = 0; i < matrix.Length; i++)
            matrix[i] = random.NextSingle() - 0.5f;
        for (var i = 0; i < query.Length; i++)
            query[i] = random.NextSingle() - 0.5f;

        double Time(Func<float[], float[], int, float> dot)
        {
            // Warmed up for longer than tiered compilation's delay, so every loop is measured in its optimised code.
            var sink = 0f;
            for (var warm = Stopwatch.StartNew(); warm.ElapsedMilliseconds < 500;)
                for (var r = 0; r < rows; r++)
                    sink += dot(query, matrix, r * Dimensions);
            var watch = Stopwatch.StartNew();
            for (var round = 0; round < rounds; round++)
                for (var r = 0; r < rows; r++)
                    sink += dot(query, matrix, r * Dimensions);
            GC.KeepAlive(sink);
            return watch.Elapsed.TotalNanoseconds / rows / rounds;
        }

        var tensor = Time(static (q, m, o) => TensorPrimitives.Dot(q, m.AsSpan(o, Dimensions)));
        var v256 = Time(static (q, m, o) => Dot256(q, m.AsSpan(o, Dimensions)));
        var walk = Time(static (q, m, o) => VectorDot.Dot(q, m.AsSpan(o, Dimensions)));
        Console.WriteLine($"512-d dot product (cache-resident): TensorPrimitives {tensor:F1} ns, Vector256 by hand {v256:F1} ns, the graph walk's VectorDot (Vector512 when available) {walk:F1} ns");
    }

    private static float Dot256(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        Vector256<float> s0 = default, s1 = default;
        for (nuint i = 0; i < (nuint)a.Length; i += 16)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, i), Vector256.LoadUnsafe(ref y, i), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, i + 8), Vector256.LoadUnsafe(ref y, i + 8), s1);
        }
        return Vector256.Sum(s0 + s1);
    }

    private static string[] Strings(IReadOnlyList<string> raw, string name, string[] fallback)
    {
        for (var i = 0; i < raw.Count - 1; i++)
            if (raw[i] == "--" + name)
                return raw[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return fallback;
    }

    private sealed record RunResult(IReadOnlyList<SearchHit>[] Hits, ThroughputSummary Summary);

    /// <summary>
    /// One set's vectors, queries and exact answers, kept as raw files under .data/ann/ so faiss reads the
    /// same bytes and the exact ground truth (the slow part at 1M) is computed once.
    /// </summary>
    private sealed class AnnData
    {
        private readonly string _directory;
        private string[] _ids = [];

        private AnnData(string directory, int size, int queryCount)
        {
            _directory = directory;
            Size = size;
            QueryCount = queryCount;
            Fields = new TrackFilterFields[GenreCount];
            for (var g = 0; g < GenreCount; g++)
                Fields[g] = new TrackFilterFields([$"artist-{g}"], null, [$"genre-{g}"]);
        }

        public int Size { get; }

        public int QueryCount { get; }

        public float[] Base { get; private set; } = [];

        public float[] QueryVectors { get; private set; } = [];

        public int[] Truth { get; private set; } = [];

        public int[] TruthExcluded { get; private set; } = [];

        public int[] TruthGenre { get; private set; } = [];

        public int[] Excluded { get; private set; } = [];

        public TrackFilterFields[] Fields { get; }

        public double MeanTopScore { get; private set; }

        public double MeanTenthScore { get; private set; }

        public double ExactQps2 { get; private set; }

        public string BasePath => Path.Combine(_directory, "base.f32");

        public string QueriesPath => Path.Combine(_directory, "queries.f32");

        public string TruthPath => Path.Combine(_directory, "truth.i32");

        public string Id(int position) => _ids[position];

        public static int Position(string id) => int.Parse(id.AsSpan(2), CultureInfo.InvariantCulture);

        public ReadOnlySpan<float> Query(int q) => QueryVectors.AsSpan(q * Dimensions, Dimensions);

        public SearchFilter ExcludeFilter(int q)
        {
            var ids = new HashSet<string>(ExcludedPerQuery, StringComparer.Ordinal);
            foreach (var position in Excluded.AsSpan(q * ExcludedPerQuery, ExcludedPerQuery))
                ids.Add(_ids[position]);
            return new SearchFilter(ids, null, null, null);
        }

        public ExactVectorIndex BuildExact()
        {
            var exact = new ExactVectorIndex();
            for (var i = 0; i < Size; i++)
                exact.Upsert(VectorCollection.Audio, _space, _ids[i], Base.AsSpan(i * Dimensions, Dimensions), Fields[i % GenreCount]);
            return exact;
        }

        public static AnnData LoadOrCreate(string set, int size, int queryCount)
        {
            var directory = Path.Combine(RepositoryPaths.Root, ".data", "ann", $"{set}-{size}-q{queryCount}");
            Directory.CreateDirectory(directory);
            var data = new AnnData(directory, size, queryCount);
            data._ids = new string[size];
            for (var i = 0; i < size; i++)
                data._ids[i] = "t-" + i.ToString(CultureInfo.InvariantCulture);
            data.Base = LoadOrWrite(data.BasePath, () => Generate(set, size, Seed));
            data.QueryVectors = LoadOrWrite(data.QueriesPath, () => Generate(set, queryCount, Seed + 1));
            var excludedPath = Path.Combine(directory, "excluded.i32");
            var files = new[] { data.TruthPath, Path.Combine(directory, "truth-excluded.i32"), Path.Combine(directory, "truth-genre.i32"), excludedPath, Path.Combine(directory, "scores.f32") };
            if (!files.All(File.Exists))
                data.ComputeTruth(files);
            data.Truth = ReadInts(files[0]);
            data.TruthExcluded = ReadInts(files[1]);
            data.TruthGenre = ReadInts(files[2]);
            data.Excluded = ReadInts(files[3]);
            var scores = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(files[4]));
            for (var q = 0; q < queryCount; q++)
            {
                data.MeanTopScore += scores[q * K] / queryCount;
                data.MeanTenthScore += scores[q * K + K - 1] / queryCount;
            }
            return data;
        }

        /// <summary>Exact top 10 of every query (plain, excluding 100 ids, genre-filtered) with the exact index on every core.</summary>
        private void ComputeTruth(string[] files)
        {
            Console.WriteLine($"computing exact ground truth for {QueryCount} queries over {Size:N0} vectors...");
            var exact = BuildExact();
            var random = new Random(Seed + 2);
            var truth = new int[QueryCount * K];
            var scores = new float[QueryCount * K];
            var watch = Stopwatch.StartNew();
            Parallel.For(0, QueryCount, new ParallelOptions { MaxDegreeOfParallelism = 2 }, q =>
            {
                var hits = exact.Search(VectorCollection.Audio, _space, Query(q), K, SearchFilter.None);
                for (var i = 0; i < K; i++)
                {
                    truth[q * K + i] = Position(hits[i].TrackId);
                    scores[q * K + i] = hits[i].Score;
                }
            });
            ExactQps2 = QueryCount / watch.Elapsed.TotalSeconds;

            // Each query excludes its own true top 10 plus 90 random tracks, so the answer must come from further out.
            Excluded = new int[QueryCount * ExcludedPerQuery];
            for (var q = 0; q < QueryCount; q++)
            {
                truth.AsSpan(q * K, K).CopyTo(Excluded.AsSpan(q * ExcludedPerQuery));
                for (var i = K; i < ExcludedPerQuery; i++)
                    Excluded[q * ExcludedPerQuery + i] = random.Next(Size);
            }
            var truthExcluded = new int[QueryCount * K];
            var truthGenre = new int[QueryCount * K];
            var genre = new SearchFilter(new HashSet<string>(), null, null, FilterGenre);
            Parallel.For(0, QueryCount, new ParallelOptions { MaxDegreeOfParallelism = 2 }, q =>
            {
                var excluded = exact.Search(VectorCollection.Audio, _space, Query(q), K, ExcludeFilter(q));
                var byGenre = exact.Search(VectorCollection.Audio, _space, Query(q), K, genre);
                for (var i = 0; i < K; i++)
                {
                    truthExcluded[q * K + i] = Position(excluded[i].TrackId);
                    truthGenre[q * K + i] = Position(byGenre[i].TrackId);
                }
            });
            WriteInts(files[0], truth);
            WriteInts(files[1], truthExcluded);
            WriteInts(files[2], truthGenre);
            WriteInts(files[3], Excluded);
            File.WriteAllBytes(files[4], MemoryMarshal.AsBytes(scores.AsSpan()).ToArray());
        }

        private static float[] LoadOrWrite(string path, Func<float[]> generate)
        {
            if (File.Exists(path))
                return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
            var vectors = generate();
            using var file = File.Create(path);
            file.Write(MemoryMarshal.AsBytes(vectors.AsSpan()));
            return vectors;
        }

        private static int[] ReadInts(string path) => MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(path)).ToArray();

        private static void WriteInts(string path, int[] values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

        /// <summary>
        /// Unit vectors, row-major. random: uniform directions. clustered: 1,000 centres uniform on the sphere
        /// (always from the same seed, so base and queries share them), each point centre + N(0, spread²/d)
        /// noise, normalised. Chunks of rows are generated in parallel, each from its own seed.
        /// </summary>
        private static float[] Generate(string set, int count, int seed)
        {
            var clustered = set switch
            {
                "random" => false,
                "clustered" => true,
                _ => throw new ArgumentException($"Unknown set '{set}'; use random or clustered."),
            };
            var centres = new float[Clusters * Dimensions];
            var centreRandom = new Random(Seed - 1);
            for (var c = 0; c < Clusters; c++)
                Gaussian(centreRandom, centres.AsSpan(c * Dimensions, Dimensions), 1f);
            for (var c = 0; c < Clusters; c++)
                Normalize(centres.AsSpan(c * Dimensions, Dimensions));

            var vectors = new float[(long)count * Dimensions];
            var chunks = (count + RowsPerGenerationChunk - 1) / RowsPerGenerationChunk;
            var sigma = ClusterSpread / MathF.Sqrt(Dimensions);
            Parallel.For(0, chunks, chunk =>
            {
                var random = new Random(seed * 7919 + chunk);
                var end = Math.Min(count, (chunk + 1) * RowsPerGenerationChunk);
                for (var i = chunk * RowsPerGenerationChunk; i < end; i++)
                {
                    var row = vectors.AsSpan(i * Dimensions, Dimensions);
                    if (!clustered)
                    {
                        Gaussian(random, row, 1f);
                    }
                    else
                    {
                        Gaussian(random, row, sigma);
                        TensorPrimitives.Add(row, centres.AsSpan(random.Next(Clusters) * Dimensions, Dimensions), row);
                    }
                    Normalize(row);
                }
            });
            return vectors;
        }

        private static void Gaussian(Random random, Span<float> destination, float sigma)
        {
            for (var i = 0; i < destination.Length; i += 2)
            {
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                var radius = Math.Sqrt(-2 * Math.Log(u1)) * sigma;
                destination[i] = (float)(radius * Math.Cos(2 * Math.PI * u2));
                if (i + 1 < destination.Length)
                    destination[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
            }
        }

        private static void Normalize(Span<float> row) => TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
    }
}
