namespace AudioFunctions.Indexing;

/// <summary>
/// Per-thread working memory of graph walks and inserts, reused across calls so neither allocates:
/// candidate and result heaps, a visited set, and buffers for neighbour lists and the int8 query.
/// </summary>
internal sealed class HnswScratch
{
    [ThreadStatic]
    private static HnswScratch? _current;

    public static HnswScratch Current => _current ??= new HnswScratch();

    public NodeHeap Candidates { get; } = new();

    public NodeHeap Results { get; } = new();

    public VisitedNodes Visited { get; } = new();

    /// <summary>A copy of one neighbour list (count first), taken under its seqlock.</summary>
    public int[] Links { get; private set; } = new int[64];

    /// <summary>Candidates of a neighbour selection, best first.</summary>
    public int[] SelectionNodes { get; private set; } = new int[64];

    public float[] SelectionScores { get; private set; } = new float[64];

    private float[] _nodeVector = [];

    /// <summary>A copy of the vector being inserted, as the query of its own walks.</summary>
    public float[] NodeVector(int dimensions)
    {
        if (_nodeVector.Length != dimensions)
            _nodeVector = new float[dimensions];
        return _nodeVector;
    }

    public short[] WideQuery { get; private set; } = [];

    public sbyte[] QueryCodes { get; private set; } = [];

    public void EnsureLinks(int length)
    {
        if (Links.Length < length)
            Links = new int[length];
    }

    public void EnsureSelection(int length)
    {
        if (SelectionNodes.Length < length)
        {
            SelectionNodes = new int[length];
            SelectionScores = new float[length];
        }
    }

    public void EnsureQuery(int dimensions)
    {
        if (WideQuery.Length < dimensions)
        {
            WideQuery = new short[dimensions];
            QueryCodes = new sbyte[dimensions];
        }
    }
}
