namespace AudioFunctions.Indexing;

/// <summary>
/// The nodes that carry one filter term, in insertion order, including nodes deleted since (a search checks
/// each node's liveness and fields anyway). One writer at a time appends (the partition's gate); readers
/// take <see cref="Snapshot"/> without a lock: the count is published after the array that holds its
/// elements, so a reader never reads past what was written.
/// </summary>
internal sealed class TermPostings
{
    private int[] _nodes = new int[4];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(int node)
    {
        var nodes = _nodes;
        if (_count == nodes.Length)
        {
            Array.Resize(ref nodes, nodes.Length * 2);
            Volatile.Write(ref _nodes, nodes);
        }
        nodes[_count] = node;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>The nodes appended so far; the span stays valid (the array is never written below its count again).</summary>
    public ReadOnlySpan<int> Snapshot()
    {
        var count = Volatile.Read(ref _count);
        return Volatile.Read(ref _nodes).AsSpan(0, count);
    }
}
