using System.Buffers;
using System.Numerics.Tensors;

namespace AudioFunctions.Indexing;

/// <summary>
/// The best nodes offered so far, ranked as the exact index ranks rows: higher score first, then the
/// ordinally smaller track id. A fixed-size min-heap whose root is the worst kept node. Callers keep
/// <see cref="Margin"/> more than k: offers are scored with <see cref="VectorDot"/>, whose rounding differs
/// from the exact index's in the last bits, and <see cref="DrainBestFirst"/> re-scores the kept nodes with
/// TensorPrimitives.Dot before the final ranking, so results and scores equal the exact index's; the spare
/// slots also let it drop a duplicate track (a replaced track's old and new node, both live while the
/// replacement is being linked) and still return k. Pooled buffers; dispose.
/// </summary>
internal struct RankedNodes : IDisposable
{
    /// <summary>Nodes kept beyond k.</summary>
    public const int Margin = 8;

    private readonly HnswPartition _partition;
    private readonly float[] _scores;
    private readonly int[] _nodes;
    private readonly int _capacity;
    private int _count;

    public RankedNodes(HnswPartition partition, int capacity)
    {
        _partition = partition;
        _capacity = capacity;
        _scores = ArrayPool<float>.Shared.Rent(capacity);
        _nodes = ArrayPool<int>.Shared.Rent(capacity);
    }

    public void Offer(float score, int node)
    {
        if (_count < _capacity)
        {
            SiftUp(_count++, score, node);
            return;
        }
        if (score < _scores[0] || IsWorse(score, node, _scores[0], _nodes[0]))
            return;
        SiftDown(score, node);
    }

    /// <summary>
    /// Up to <paramref name="k"/> hits, best first, at most one per track, scored TensorPrimitives.Dot(query, v)
    /// like the exact index. Empties the heap.
    /// </summary>
    public SearchHit[] DrainBestFirst(int k, ReadOnlySpan<float> unitQuery)
    {
        var candidates = new SearchHit[_count];
        for (var i = 0; i < _count; i++)
            candidates[i] = new SearchHit(_partition.TrackIdOf(_nodes[i]), TensorPrimitives.Dot(unitQuery, _partition.VectorRow(_nodes[i])));
        _count = 0;
        Array.Sort(candidates, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.TrackId, b.TrackId));
        var hits = new List<SearchHit>(Math.Min(k, candidates.Length));
        foreach (var hit in candidates)
        {
            if (hits.Count == k)
                break;
            if (!Contains(hits, hit.TrackId))
                hits.Add(hit);
        }
        return [.. hits];
    }

    public readonly void Dispose()
    {
        ArrayPool<float>.Shared.Return(_scores);
        ArrayPool<int>.Shared.Return(_nodes);
    }

    private static bool Contains(List<SearchHit> hits, string trackId)
    {
        foreach (var hit in hits)
            if (string.Equals(hit.TrackId, trackId, StringComparison.Ordinal))
                return true;
        return false;
    }

    private readonly void SiftUp(int hole, float score, int node)
    {
        while (hole > 0)
        {
            var parent = (hole - 1) >> 1;
            if (!IsWorse(score, node, _scores[parent], _nodes[parent]))
                break;
            _scores[hole] = _scores[parent];
            _nodes[hole] = _nodes[parent];
            hole = parent;
        }
        _scores[hole] = score;
        _nodes[hole] = node;
    }

    private readonly void SiftDown(float score, int node)
    {
        var hole = 0;
        while (true)
        {
            var child = 2 * hole + 1;
            if (child >= _count)
                break;
            if (child + 1 < _count && IsWorse(_scores[child + 1], _nodes[child + 1], _scores[child], _nodes[child]))
                child++;
            if (!IsWorse(_scores[child], _nodes[child], score, node))
                break;
            _scores[hole] = _scores[child];
            _nodes[hole] = _nodes[child];
            hole = child;
        }
        _scores[hole] = score;
        _nodes[hole] = node;
    }

    private readonly bool IsWorse(float score, int node, float otherScore, int otherNode) =>
        score < otherScore || (score == otherScore && string.CompareOrdinal(_partition.TrackIdOf(node), _partition.TrackIdOf(otherNode)) > 0);
}
