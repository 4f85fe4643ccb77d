namespace AudioFunctions.Indexing;

/// <summary>
/// Which nodes one walk has seen: a stamp per node compared with the walk's stamp, so starting a walk is
/// O(1) instead of clearing a bitmap of every node (the array is cleared only when the stamp wraps).
/// </summary>
internal sealed class VisitedNodes
{
    private ushort[] _stamps = [];
    private ushort _stamp;

    /// <summary>Starts a walk over nodes numbered below <paramref name="nodeCount"/>.</summary>
    public void Reset(int nodeCount)
    {
        if (_stamps.Length < nodeCount)
        {
            _stamps = new ushort[Math.Max(nodeCount + nodeCount / 4, 1024)];
            _stamp = 0;
        }
        if (++_stamp == 0)
        {
            Array.Clear(_stamps);
            _stamp = 1;
        }
    }

    /// <summary>Marks the node; false if this walk had already marked it.</summary>
    public bool TryVisit(int node)
    {
        if ((uint)node >= (uint)_stamps.Length)
            Array.Resize(ref _stamps, Math.Max(node + 1, _stamps.Length * 2));
        if (_stamps[node] == _stamp)
            return false;
        _stamps[node] = _stamp;
        return true;
    }
}
