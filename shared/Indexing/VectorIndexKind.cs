namespace AudioFunctions.Indexing;

/// <summary>How an embedded index searches (setting <c>INDEX__KIND</c>); the numbers are written in snapshots.</summary>
public enum VectorIndexKind : byte
{
    /// <summary><see cref="ExactVectorIndex"/>: every vector scanned, exact; fine to about 100,000 vectors per space.</summary>
    Exact = 1,

    /// <summary><see cref="HnswVectorIndex"/>: a graph walk, approximate; for millions. Small spaces are still scanned exactly.</summary>
    Hnsw = 2,
}
