namespace AudioFunctions.Indexing;

/// <summary>
/// The HNSW graph of one (collection, space): nodes numbered in insertion order, each with its unit vector,
/// optional int8 code, level, neighbour lists, track id, version tag and filter fields, all in
/// <see cref="ChunkedRows{T}"/> (flat arrays, no object per node except the rare upper-level link array).
/// Replacing a track appends a new node and tombstones the old one; removing tombstones. Tombstoned nodes
/// stay in the graph as waypoints and never enter results; <see cref="HnswVectorIndex"/> rebuilds the
/// partition once they exceed <see cref="HnswSettings.RebuildDeletedFraction"/> of its nodes.
/// </summary>
/// <remarks>
/// Concurrency: a short <c>_gate</c> lock serialises node allocation, the id map, the term tables and
/// tombstones (all O(d) or less). Linking a node into the graph — the expensive part — runs outside it, so
/// writers insert in parallel; each neighbour list is guarded by its node's sequence number (odd while a
/// writer holds it), which writers take as a spin lock and readers use as a seqlock: a reader copies the
/// list and retries if the number changed, so it never acts on a half-written list. A node's vector and
/// fields are written before its number is published or linked anywhere, so every node a reader can reach
/// is complete. Queries take no lock except to resolve filter terms and excluded ids.
/// </remarks>
internal sealed partial class HnswPartition
{
    private const int MaxLevel = 15;
    private const int EmptyEntry = -1;

    private readonly object _gate = new();
    private readonly object _entryLock = new();
    private readonly HnswSettings _settings;
    private readonly Random _levelRandom = new(0x4E5357);
    private readonly double _levelMultiplier;
    private readonly int _upperStride;
    private readonly Dictionary<string, int> _nodeOf = new(StringComparer.Ordinal);
    private readonly FilterTermTable _terms = new();
    private readonly Dictionary<string, int> _fieldSetOf = new(StringComparer.Ordinal);

    private readonly ChunkedRows<float> _vectors;
    private readonly ChunkedRows<sbyte>? _codes;
    private readonly ChunkedRows<float>? _codeScales;
    private readonly ChunkedRows<int> _links0;
    private readonly ChunkedRows<int[]?> _upperLinks = new(1);
    private readonly ChunkedRows<byte> _levels = new(1);
    private readonly ChunkedRows<int> _linkVersions = new(1);
    private readonly ChunkedRows<byte> _deleted = new(1);
    private readonly ChunkedRows<int> _fieldSetIds = new(1);
    private readonly ChunkedRows<string> _trackIds = new(1);
    private readonly ChunkedRows<string> _versionTags = new(1);
    private readonly ChunkedRows<TrackFilterFields> _fields = new(1);

    private FilterFieldSet[] _fieldSets = [];
    private TermPostings?[] _albumPostings = [];
    private TermPostings?[] _artistPostings = [];
    private TermPostings?[] _genrePostings = [];
    private int _nodeCount;
    private int _liveCount;
    private int _deletedCount;
    private long _entry = EmptyEntry;

    public HnswPartition(int dimensions, HnswSettings settings)
    {
        Dimensions = dimensions;
        _settings = settings;
        M = settings.M;
        MaxLinks0 = 2 * settings.M;
        _levelMultiplier = 1 / Math.Log(settings.M);
        _upperStride = 1 + M;
        _vectors = new ChunkedRows<float>(dimensions);
        _links0 = new ChunkedRows<int>(1 + MaxLinks0);
        if (settings.Quantization == HnswQuantization.Int8)
        {
            _codes = new ChunkedRows<sbyte>(dimensions);
            _codeScales = new ChunkedRows<float>(1);
        }
    }

    public int Dimensions { get; }

    /// <summary>Links per node on levels above 0.</summary>
    public int M { get; }

    /// <summary>Links per node on level 0 (2·M).</summary>
    public int MaxLinks0 { get; }

    public HnswSettings Settings => _settings;

    /// <summary>Live (searchable) tracks.</summary>
    public int Count => Volatile.Read(ref _liveCount);

    /// <summary>Nodes ever allocated, live or tombstoned: the graph's size.</summary>
    public int NodeCount => Volatile.Read(ref _nodeCount);

    public int DeletedCount => Volatile.Read(ref _deletedCount);

    /// <summary>
    /// Bytes of the per-node arrays and upper link arrays (capacity, so up to one chunk of slack), not counting
    /// the strings of ids, tags and fields, which the caller owns in any index.
    /// </summary>
    internal long StateBytes
    {
        get
        {
            long bytes = _vectors.Bytes + _links0.Bytes + _levels.Bytes + _linkVersions.Bytes + _deleted.Bytes
                         + _fieldSetIds.Bytes + _trackIds.Bytes + _versionTags.Bytes + _fields.Bytes + _upperLinks.Bytes
                         + (_codes?.Bytes ?? 0) + (_codeScales?.Bytes ?? 0);
            var count = NodeCount;
            for (var node = 0; node < count; node++)
                if (_upperLinks.Row(node)[0] is { } upper)
                    bytes += 24 + 4L * upper.Length;
            return bytes;
        }
    }

    /// <summary>Inserts or replaces <paramref name="trackId"/>'s vector (already unit length) and links it into the graph.</summary>
    public void Upsert(string trackId, string versionTag, TrackFilterFields fields, ReadOnlySpan<float> unitVector)
    {
        int node, previous;
        lock (_gate)
        {
            node = Append(trackId, versionTag, fields, unitVector, out previous);
        }
        Link(node);
        if (previous >= 0)
        {
            // The old node is tombstoned only once the new one is reachable, so the track never drops out of
            // results; in between a search may meet both and keeps the better (results are de-duplicated by id).
            lock (_gate)
                Tombstone(previous);
        }
    }

    public bool Remove(string trackId)
    {
        lock (_gate)
        {
            if (!_nodeOf.Remove(trackId, out var node))
                return false;
            Tombstone(node);
            Volatile.Write(ref _liveCount, _nodeOf.Count);
            return true;
        }
    }

    public bool TryGetVector(string trackId, Span<float> destination)
    {
        int node;
        lock (_gate)
        {
            if (!_nodeOf.TryGetValue(trackId, out node))
                return false;
        }
        // Node vectors are immutable once written, so the copy needs no lock.
        _vectors.Row(node).CopyTo(destination);
        return true;
    }

    public Dictionary<string, string> Versions()
    {
        lock (_gate)
        {
            var versions = new Dictionary<string, string>(_nodeOf.Count, StringComparer.Ordinal);
            foreach (var (trackId, node) in _nodeOf)
                versions.Add(trackId, _versionTags.Row(node)[0]);
            return versions;
        }
    }

    /// <summary>
    /// The live nodes, ascending, for a rebuild or a snapshot writer, which read each one through
    /// <see cref="TrackIdOf"/>, <see cref="VersionTagOf"/>, <see cref="FieldsOf"/> and <see cref="VectorOf"/>
    /// (a node never changes once written, so no lock is needed for those reads).
    /// </summary>
    internal List<int> LiveNodes()
    {
        lock (_gate)
        {
            var nodes = new List<int>(_nodeOf.Count);
            foreach (var (_, node) in _nodeOf)
                nodes.Add(node);
            nodes.Sort();
            return nodes;
        }
    }

    internal string TrackIdOf(int node) => _trackIds.Row(node)[0];

    internal string VersionTagOf(int node) => _versionTags.Row(node)[0];

    internal TrackFilterFields FieldsOf(int node) => _fields.Row(node)[0];

    internal ReadOnlySpan<float> VectorOf(int node) => _vectors.Row(node);

    /// <summary>Writes a new node under the gate and publishes it to scans (not yet to the graph).</summary>
    private int Append(string trackId, string versionTag, TrackFilterFields fields, ReadOnlySpan<float> unitVector, out int previous)
    {
        var node = _nodeCount;
        if (node == int.MaxValue)
            throw new InvalidOperationException("A partition holds at most 2³¹ − 1 nodes; rebuild it.");
        var level = DrawLevel();
        WriteNode(node, trackId, versionTag, fields, unitVector, level);
        _upperLinks.Row(node)[0] = level == 0 ? null : new int[level * _upperStride];

        previous = _nodeOf.TryGetValue(trackId, out var old) ? old : -1;
        _nodeOf[trackId] = node;
        Volatile.Write(ref _nodeCount, node + 1);
        Volatile.Write(ref _liveCount, _nodeOf.Count);
        // Postings only after the node is published, so no reader meets a node number it cannot read.
        AddPostings(node);
        return node;
    }

    /// <summary>Gives node number <paramref name="node"/> storage and writes everything but its links.</summary>
    private void WriteNode(int node, string trackId, string versionTag, TrackFilterFields fields, ReadOnlySpan<float> unitVector, int level)
    {
        Grow(node);
        unitVector.CopyTo(_vectors.Row(node));
        if (_codes is not null)
            _codeScales!.Row(node)[0] = Int8Codes.Encode(unitVector, _codes.Row(node));
        _levels.Row(node)[0] = (byte)level;
        _trackIds.Row(node)[0] = trackId;
        _versionTags.Row(node)[0] = versionTag;
        _fields.Row(node)[0] = fields;

        int album;
        int[] artists, genres;
        lock (_terms)
        {
            album = _terms.Intern(fields.Album);
            artists = _terms.Intern(fields.Artists);
            genres = _terms.Intern(fields.Genres);
        }
        _fieldSetIds.Row(node)[0] = FieldSetOf(album, artists, genres);
    }

    private void AddPostings(int node)
    {
        var set = _fieldSets[_fieldSetIds.Row(node)[0]];
        if (set.Album != FilterTermTable.NoTerm)
            PostingsFor(ref _albumPostings, set.Album).Add(node);
        foreach (var term in set.Artists)
            PostingsFor(ref _artistPostings, term).Add(node);
        foreach (var term in set.Genres)
            PostingsFor(ref _genrePostings, term).Add(node);
    }

    private void Grow(int node)
    {
        _vectors.EnsureRow(node);
        _codes?.EnsureRow(node);
        _codeScales?.EnsureRow(node);
        _links0.EnsureRow(node);
        _upperLinks.EnsureRow(node);
        _levels.EnsureRow(node);
        _linkVersions.EnsureRow(node);
        _deleted.EnsureRow(node);
        _fieldSetIds.EnsureRow(node);
        _trackIds.EnsureRow(node);
        _versionTags.EnsureRow(node);
        _fields.EnsureRow(node);
    }

    /// <summary>Level ⌊−ln(U)·mL⌋ with mL = 1/ln(M): each level holds about 1/M of the one below.</summary>
    private int DrawLevel()
    {
        var level = (int)(-Math.Log(1 - _levelRandom.NextDouble()) * _levelMultiplier);
        return Math.Min(level, MaxLevel);
    }

    private int FieldSetOf(int album, int[] artists, int[] genres)
    {
        var key = FilterFieldSet.KeyOf(album, artists, genres);
        if (_fieldSetOf.TryGetValue(key, out var id))
            return id;
        id = _fieldSetOf.Count;
        var sets = _fieldSets;
        if (id == sets.Length)
            Array.Resize(ref sets, Math.Max(16, sets.Length * 2));
        sets[id] = new FilterFieldSet(album, artists, genres);
        Volatile.Write(ref _fieldSets, sets);
        _fieldSetOf.Add(key, id);
        return id;
    }

    private static TermPostings PostingsFor(ref TermPostings?[] postings, int term)
    {
        var table = postings;
        if (term >= table.Length)
        {
            Array.Resize(ref table, Math.Max(term + 1, table.Length * 2));
            Volatile.Write(ref postings, table);
        }
        if (table[term] is { } existing)
            return existing;
        var created = new TermPostings();
        Volatile.Write(ref table[term], created);
        return created;
    }

    private void Tombstone(int node)
    {
        ref var deleted = ref _deleted.First(node);
        if (deleted != 0)
            return;
        Volatile.Write(ref deleted, (byte)1);
        Volatile.Write(ref _deletedCount, _deletedCount + 1);
    }
}
