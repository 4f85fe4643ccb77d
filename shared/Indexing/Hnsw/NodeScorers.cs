using System.Runtime.CompilerServices;

namespace AudioFunctions.Indexing;

/// <summary>How a graph walk scores a node against its query: higher is more similar.</summary>
internal interface INodeScorer
{
    float Score(int node);
}

/// <summary>Cosine of unit vectors: one float32 dot product (<see cref="VectorDot"/>).</summary>
internal readonly struct FloatScorer(HnswPartition partition, float[] unitQuery) : INodeScorer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Score(int node) => VectorDot.Dot(new ReadOnlySpan<float>(unitQuery, 0, partition.Dimensions), partition.VectorRow(node));
}

/// <summary>Approximate cosine from int8 codes: q_scale · v_scale · Σ q_i v_i (int32 sum).</summary>
internal readonly struct Int8Scorer(HnswPartition partition, short[] wideQuery, float queryScale) : INodeScorer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Score(int node) =>
        queryScale * partition.CodeScale(node) * Int8Codes.Dot(new ReadOnlySpan<short>(wideQuery, 0, partition.Dimensions), partition.CodeRow(node));
}
