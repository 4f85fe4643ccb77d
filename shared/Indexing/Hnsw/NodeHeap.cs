using System.Runtime.CompilerServices;

namespace AudioFunctions.Indexing;

/// <summary>
/// A binary min-heap of (score, node) on arrays the owner keeps and reuses, so a graph walk allocates
/// nothing. The root is the lowest score. A max-heap is the same heap fed negated scores.
/// </summary>
internal sealed class NodeHeap
{
    private float[] _scores = new float[64];
    private int[] _nodes = new int[64];

    public int Count { get; private set; }

    public float TopScore => _scores[0];

    public int TopNode => _nodes[0];

    public void Clear() => Count = 0;

    public void Push(float score, int node)
    {
        if (Count == _scores.Length)
        {
            Array.Resize(ref _scores, Count * 2);
            Array.Resize(ref _nodes, Count * 2);
        }
        var hole = Count++;
        while (hole > 0)
        {
            var parent = (hole - 1) >> 1;
            if (_scores[parent] <= score)
                break;
            _scores[hole] = _scores[parent];
            _nodes[hole] = _nodes[parent];
            hole = parent;
        }
        _scores[hole] = score;
        _nodes[hole] = node;
    }

    /// <summary>Removes the root.</summary>
    public void Pop()
    {
        var last = --Count;
        if (last == 0)
            return;
        SiftDown(_scores[last], _nodes[last], last);
    }

    /// <summary>Replaces the root with (score, node): one sift instead of a pop and a push.</summary>
    public void ReplaceTop(float score, int node) => SiftDown(score, node, Count);

    /// <summary>The entries in heap order (not sorted).</summary>
    public ReadOnlySpan<float> Scores => _scores.AsSpan(0, Count);

    public ReadOnlySpan<int> Nodes => _nodes.AsSpan(0, Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SiftDown(float score, int node, int count)
    {
        var hole = 0;
        while (true)
        {
            var child = 2 * hole + 1;
            if (child >= count)
                break;
            if (child + 1 < count && _scores[child + 1] < _scores[child])
                child++;
            if (_scores[child] >= score)
                break;
            _scores[hole] = _scores[child];
            _nodes[hole] = _nodes[child];
            hole = child;
        }
        _scores[hole] = score;
        _nodes[hole] = node;
    }
}
