using AudioFunctions.Embedding;
using AudioFunctions.Indexing;

namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>
/// 20,000 clustered 512-d tracks (fixed seed) in an exact index, a float32 HNSW index and an int8 HNSW
/// index, built once for the recall tests. Fields: genre i mod 100 (1 % each), artist i mod 50 (2 %),
/// album i mod 400 (0.25 %). The HNSW indexes are built from two threads, as a bulk load would be.
/// </summary>
public sealed class ClusteredIndexFixture
{
    public const int Tracks = 20_000;
    public const int Dimensions = 512;
    public const int QueryCount = 100;

    public ClusteredIndexFixture()
    {
        var random = new Random(5_150);
        var vectors = ClusteredVectors.Generate(random, Tracks + QueryCount, Dimensions, clusters: 200, spread: 0.6f);
        Ids = Enumerable.Range(0, Tracks).Select(i => $"track-{i:D6}").ToArray();
        Fields = Enumerable.Range(0, Tracks)
            .Select(i => new TrackFilterFields([$"Artist {i % 50}"], $"Album {i % 400}", [$"Genre {i % 100}"]))
            .ToArray();
        Vectors = vectors[..Tracks];
        Queries = vectors[Tracks..];
        Exact = new ExactVectorIndex();
        Float32 = new HnswVectorIndex();
        Int8 = new HnswVectorIndex(new HnswSettings(Quantization: HnswQuantization.Int8));
        for (var i = 0; i < Tracks; i++)
            Exact.Upsert(VectorCollection.Audio, Space, Ids[i], Vectors[i], Fields[i]);
        Parallel.For(0, Tracks, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            Float32.Upsert(VectorCollection.Audio, Space, Ids[i], Vectors[i], Fields[i]);
            Int8.Upsert(VectorCollection.Audio, Space, Ids[i], Vectors[i], Fields[i]);
        });
    }

    public static EmbeddingSpace Space { get; } = new("clap", "v1", Dimensions);

    public string[] Ids { get; }

    public TrackFilterFields[] Fields { get; }

    public float[][] Vectors { get; }

    /// <summary>Drawn like the tracks but not among them.</summary>
    public float[][] Queries { get; }

    public ExactVectorIndex Exact { get; }

    public HnswVectorIndex Float32 { get; }

    public HnswVectorIndex Int8 { get; }
}
