using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>Names one partition of an index: vectors are only ever compared within one key.</summary>
internal readonly record struct PartitionKey(VectorCollection Collection, EmbeddingSpace Space)
{
    /// <summary>The keys by collection then space id: the order snapshots write partitions in, so equal indexes give equal bytes.</summary>
    public static PartitionKey[] Ordered(IEnumerable<PartitionKey> keys)
    {
        var ordered = keys.ToArray();
        Array.Sort(ordered, static (a, b) => a.Collection != b.Collection
            ? a.Collection.CompareTo(b.Collection)
            : string.CompareOrdinal(a.Space.Id, b.Space.Id));
        return ordered;
    }
}
