using System.Collections.Concurrent;
using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>
/// An in-memory <see cref="IVectorIndex"/> that answers by exhaustive scan: exact results, O(n · d) per
/// search. A search reads every stored float of its partition once, so it is bound by memory bandwidth
/// (on the order of 1 ms per 10k vectors of 512 floats on one core); a filter that skips most rows skips
/// their reads too. Memory is 4·d bytes per vector plus up to 2× slack from capacity doubling. Each (collection, space) is a
/// <see cref="VectorPartition"/> with its own reader–writer lock, so searches run concurrently with each
/// other and never see a half-applied write. Persisted with <see cref="SaveSnapshot"/> /
/// <see cref="LoadSnapshot"/>. Holds no unmanaged resources; nothing to dispose.
/// </summary>
public sealed partial class ExactVectorIndex : IPersistentVectorIndex
{
    private readonly ConcurrentDictionary<PartitionKey, VectorPartition> _partitions = new();

    public VectorIndexKind Kind => VectorIndexKind.Exact;

    public void Upsert(VectorCollection collection, EmbeddingSpace space, string trackId, ReadOnlySpan<float> vector, TrackFilterFields fields) =>
        Upsert(collection, space, trackId, vector, fields, versionTag: "");

    /// <summary>
    /// <see cref="IVectorIndex.Upsert"/>, storing <paramref name="versionTag"/> (e.g. the ETag of the blob the
    /// vector came from) with the entry; <see cref="Versions"/> returns it for reconciliation.
    /// </summary>
    public void Upsert(VectorCollection collection, EmbeddingSpace space, string trackId, ReadOnlySpan<float> vector, TrackFilterFields fields, string versionTag)
    {
        var key = IndexArguments.Key(collection, space);
        IndexLimits.ValidateEntry(trackId, versionTag, fields);
        IndexArguments.RequireDimensions(space, vector.Length, nameof(vector));

        // Normalise outside the partition's write lock, so the lock covers only the copy.
        using var unit = new PooledUnitVector(vector, nameof(vector));
        _partitions.GetOrAdd(key, static k => new VectorPartition(k.Space.Dimensions)).Upsert(trackId, versionTag, fields, unit.Span);
    }

    public bool Remove(VectorCollection collection, EmbeddingSpace space, string trackId)
    {
        var key = IndexArguments.Key(collection, space);
        ArgumentNullException.ThrowIfNull(trackId);
        return _partitions.TryGetValue(key, out var partition) && partition.Remove(trackId);
    }

    public IReadOnlyList<SearchHit> Search(VectorCollection collection, EmbeddingSpace space, ReadOnlySpan<float> query, int k, SearchFilter filter)
    {
        var key = IndexArguments.Key(collection, space);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentNullException.ThrowIfNull(filter);
        IndexArguments.RequireDimensions(space, query.Length, nameof(query));

        // Normalised once, so each row costs one dot product: cos(q, v) = q̂ · v̂ with rows stored as v̂.
        using var unit = new PooledUnitVector(query, nameof(query));
        return _partitions.TryGetValue(key, out var partition) ? partition.Search(unit.Span, k, filter) : [];
    }

    public bool TryGetVector(VectorCollection collection, EmbeddingSpace space, string trackId, Span<float> destination)
    {
        var key = IndexArguments.Key(collection, space);
        ArgumentNullException.ThrowIfNull(trackId);
        IndexArguments.RequireDestination(space, destination.Length, nameof(destination));
        return _partitions.TryGetValue(key, out var partition) && partition.TryGetVector(trackId, destination);
    }

    public int Count(VectorCollection collection, EmbeddingSpace space) =>
        _partitions.TryGetValue(IndexArguments.Key(collection, space), out var partition) ? partition.Count : 0;

    public IReadOnlyCollection<EmbeddingSpace> Spaces(VectorCollection collection)
    {
        IndexArguments.RequireDefined(collection);
        var spaces = new List<EmbeddingSpace>();
        foreach (var (key, partition) in _partitions)
        {
            if (key.Collection == collection && partition.Count > 0)
                spaces.Add(key.Space);
        }
        return spaces;
    }

    public IReadOnlyDictionary<string, string> Versions(VectorCollection collection, EmbeddingSpace space) =>
        _partitions.TryGetValue(IndexArguments.Key(collection, space), out var partition)
            ? partition.Versions()
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
