using System.Collections.Concurrent;
using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>
/// An approximate in-memory <see cref="IVectorIndex"/>: one HNSW graph (Malkov &amp; Yashunin) per
/// (collection, space), cosine similarity on L2-normalised float32 vectors. A search costs about
/// efSearch·2M dot products (≈ 0.1–0.5 ms at 1M 512-d vectors) instead of the exact index's n, with
/// recall@10 ≈ 0.95–0.99 at the default settings; small partitions and selective filters are answered
/// exactly (see <see cref="HnswSettings"/>). Filters are applied inside the walk, so a search returns
/// min(k, matching) hits like the exact index, with the same tie-break (equal scores by track id).
/// </summary>
/// <remarks>
/// Memory per vector: 4·d bytes of float32 (kept for re-ranking and <see cref="TryGetVector"/>), 4·(2M+1)
/// bytes of level-0 links, about 1/M of nodes with upper links (one small array each), 1 byte of level,
/// 1 of tombstone, 4 of link sequence number, 4 of field-set number, four references (id, tag, fields,
/// upper links), plus d + 4 bytes with int8 codes: measured 2,236 bytes at d = 512, M = 16 (2,754 with
/// int8), against 2,048 for the vector alone. Searches never block on writers; any number of writers
/// insert in parallel (see <see cref="HnswPartition"/>). Replaced and removed vectors are tombstoned;
/// when they pass <see cref="HnswSettings.RebuildDeletedFraction"/> of a partition's nodes, the writer that
/// crossed the line rebuilds the partition from its live vectors (in parallel) while other writers of that
/// partition wait; searches keep reading the old graph until the new one replaces it.
/// </remarks>
public sealed partial class HnswVectorIndex : IPersistentVectorIndex
{
    /// <summary>Below this many nodes tombstones are left alone: a rebuild would cost more than they do.</summary>
    private const int MinNodesToRebuild = 1_024;

    private readonly ConcurrentDictionary<PartitionKey, PartitionSlot> _slots = new();
    private readonly HnswSettings _settings;

    public HnswVectorIndex(HnswSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
    }

    public HnswVectorIndex()
        : this(HnswSettings.Default)
    {
    }

    public HnswSettings Settings => _settings;

    public VectorIndexKind Kind => VectorIndexKind.Hnsw;

    public void Upsert(VectorCollection collection, EmbeddingSpace space, string trackId, ReadOnlySpan<float> vector, TrackFilterFields fields) =>
        Upsert(collection, space, trackId, vector, fields, versionTag: "");

    /// <summary>
    /// <see cref="IVectorIndex.Upsert"/>, storing <paramref name="versionTag"/> with the entry for
    /// <see cref="Versions"/>. Costs one graph insert (≈ efConstruction·2M dot products); callers may
    /// upsert from several threads at once to build faster.
    /// </summary>
    public void Upsert(VectorCollection collection, EmbeddingSpace space, string trackId, ReadOnlySpan<float> vector, TrackFilterFields fields, string versionTag)
    {
        var key = IndexArguments.Key(collection, space);
        IndexLimits.ValidateEntry(trackId, versionTag, fields);
        IndexArguments.RequireDimensions(space, vector.Length, nameof(vector));

        using var unit = new PooledUnitVector(vector, nameof(vector));
        var slot = _slots.GetOrAdd(key, static (k, settings) => new PartitionSlot(new HnswPartition(k.Space.Dimensions, settings)), _settings);
        slot.Writers.EnterReadLock();
        try
        {
            slot.Current.Upsert(trackId, versionTag, fields, unit.Span);
        }
        finally
        {
            slot.Writers.ExitReadLock();
        }
        RebuildIfWorn(slot);
    }

    public bool Remove(VectorCollection collection, EmbeddingSpace space, string trackId)
    {
        var key = IndexArguments.Key(collection, space);
        ArgumentNullException.ThrowIfNull(trackId);
        if (!_slots.TryGetValue(key, out var slot))
            return false;
        bool removed;
        slot.Writers.EnterReadLock();
        try
        {
            removed = slot.Current.Remove(trackId);
        }
        finally
        {
            slot.Writers.ExitReadLock();
        }
        if (removed)
            RebuildIfWorn(slot);
        return removed;
    }

    public IReadOnlyList<SearchHit> Search(VectorCollection collection, EmbeddingSpace space, ReadOnlySpan<float> query, int k, SearchFilter filter) =>
        Search(collection, space, query, k, filter, _settings.EfSearch);

    /// <summary>
    /// <see cref="IVectorIndex.Search"/> with this query's own beam width instead of
    /// <see cref="HnswSettings.EfSearch"/> (max(efSearch, k) is used): cost and recall grow with it.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(VectorCollection collection, EmbeddingSpace space, ReadOnlySpan<float> query, int k, SearchFilter filter, int efSearch)
    {
        var key = IndexArguments.Key(collection, space);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(efSearch, 1);
        ArgumentNullException.ThrowIfNull(filter);
        IndexArguments.RequireDimensions(space, query.Length, nameof(query));

        using var unit = new PooledUnitVector(query, nameof(query));
        return _slots.TryGetValue(key, out var slot) ? slot.Current.Search(unit.Buffer, k, filter, efSearch) : [];
    }

    public bool TryGetVector(VectorCollection collection, EmbeddingSpace space, string trackId, Span<float> destination)
    {
        var key = IndexArguments.Key(collection, space);
        ArgumentNullException.ThrowIfNull(trackId);
        IndexArguments.RequireDestination(space, destination.Length, nameof(destination));
        return _slots.TryGetValue(key, out var slot) && slot.Current.TryGetVector(trackId, destination);
    }

    public int Count(VectorCollection collection, EmbeddingSpace space) =>
        _slots.TryGetValue(IndexArguments.Key(collection, space), out var slot) ? slot.Current.Count : 0;

    public IReadOnlyCollection<EmbeddingSpace> Spaces(VectorCollection collection)
    {
        IndexArguments.RequireDefined(collection);
        var spaces = new List<EmbeddingSpace>();
        foreach (var (key, slot) in _slots)
        {
            if (key.Collection == collection && slot.Current.Count > 0)
                spaces.Add(key.Space);
        }
        return spaces;
    }

    public IReadOnlyDictionary<string, string> Versions(VectorCollection collection, EmbeddingSpace space) =>
        _slots.TryGetValue(IndexArguments.Key(collection, space), out var slot)
            ? slot.Current.Versions()
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Bytes held by the partition's node arrays (vectors, int8 codes, links, per-node fields; capacity, so
    /// up to 1,024 nodes of slack), not counting the id, tag and field strings; 0 when absent. O(nodes).
    /// </summary>
    public long MemoryBytes(VectorCollection collection, EmbeddingSpace space) =>
        _slots.TryGetValue(IndexArguments.Key(collection, space), out var slot) ? slot.Current.StateBytes : 0;

    /// <summary>The partition itself, for a snapshot writer; null when absent.</summary>
    internal HnswPartition? Partition(VectorCollection collection, EmbeddingSpace space) =>
        _slots.TryGetValue(IndexArguments.Key(collection, space), out var slot) ? slot.Current : null;

    /// <summary>
    /// Rebuilds the slot's partition from its live nodes once tombstones pass the configured fraction. Holds
    /// the slot's writer lock exclusively, so no write is lost between the copy and the swap.
    /// </summary>
    private void RebuildIfWorn(PartitionSlot slot)
    {
        if (!IsWorn(slot.Current))
            return;
        slot.Writers.EnterWriteLock();
        try
        {
            var worn = slot.Current;
            if (!IsWorn(worn))
                return;
            Volatile.Write(ref slot.Current, Rebuilt(worn));
        }
        finally
        {
            slot.Writers.ExitWriteLock();
        }
    }

    /// <summary>A new graph of <paramref name="source"/>'s live nodes under this index's settings, built in parallel.</summary>
    private HnswPartition Rebuilt(HnswPartition source)
    {
        var rebuilt = new HnswPartition(source.Dimensions, _settings);
        var live = source.LiveNodes();
        Parallel.For(0, live.Count, i =>
        {
            var node = live[i];
            rebuilt.Upsert(source.TrackIdOf(node), source.VersionTagOf(node), source.FieldsOf(node), source.VectorOf(node));
        });
        return rebuilt;
    }

    private bool IsWorn(HnswPartition partition)
    {
        var nodes = partition.NodeCount;
        return nodes >= MinNodesToRebuild && partition.DeletedCount > _settings.RebuildDeletedFraction * nodes;
    }

    /// <summary>
    /// A partition and the lock its writers share (read side) and its rebuild takes alone (write side).
    /// Searches read <see cref="Current"/> without the lock.
    /// </summary>
    private sealed class PartitionSlot(HnswPartition partition)
    {
        public HnswPartition Current = partition;

        public ReaderWriterLockSlim Writers { get; } = new(LockRecursionPolicy.NoRecursion);
    }
}
