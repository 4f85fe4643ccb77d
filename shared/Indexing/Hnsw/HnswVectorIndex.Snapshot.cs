namespace AudioFunctions.Indexing;

public sealed partial class HnswVectorIndex
{
    private static ReadOnlySpan<byte> SnapshotMagic => "AFHN"u8;

    /// <summary>Bumped on any layout change; readers refuse versions they do not know.</summary>
    private const int SnapshotVersion = 1;

    /// <summary>
    /// Writes every partition with its graph (<see cref="HnswPartition.WriteTo"/>), so loading costs a read, not a
    /// rebuild:
    /// <code>
    /// magic "AFHN" · format version int32 · partition count int32
    /// per partition: key (as in <see cref="SnapshotFormat"/>) · graph
    /// checksum: XxHash64 of every byte before it
    /// </code>
    /// Each partition's writers wait while it is written (searches do not), so pass a fast stream such as a file.
    /// Does not close the stream.
    /// </summary>
    public void SaveSnapshot(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var keys = PartitionKey.Ordered(_slots.Keys);
        using var writer = new SnapshotWriter(destination);
        writer.WriteBytes(SnapshotMagic);
        writer.WriteInt32(SnapshotVersion);
        writer.WriteInt32(keys.Length);
        foreach (var key in keys)
        {
            var slot = _slots[key];
            writer.WritePartitionKey(key);
            slot.Writers.EnterWriteLock();
            try
            {
                slot.Current.WriteTo(writer);
            }
            finally
            {
                slot.Writers.ExitWriteLock();
            }
        }
        writer.Complete();
    }

    /// <summary>
    /// Reads an index written by <see cref="SaveSnapshot"/>, consuming <paramref name="source"/> to its end, with
    /// <paramref name="settings"/> for what follows. A partition built with another M is rebuilt with this one
    /// (from its vectors, in parallel); other settings apply as they are. Throws <see cref="InvalidDataException"/>
    /// on any corruption; nothing is returned before the checksum over the whole snapshot has been verified.
    /// </summary>
    public static HnswVectorIndex LoadSnapshot(Stream source, HnswSettings settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        var index = new HnswVectorIndex(settings);
        using var reader = new SnapshotReader(source);
        Span<byte> magic = stackalloc byte[SnapshotMagic.Length];
        reader.ReadBytes(magic);
        if (!magic.SequenceEqual(SnapshotMagic))
            throw SnapshotReader.Corrupt("it does not start with the graph index magic.");
        var version = reader.ReadInt32();
        if (version != SnapshotVersion)
            throw new InvalidDataException($"Graph index snapshot format version {version} is not supported (expected {SnapshotVersion}).");
        var partitions = reader.ReadCount(int.MaxValue, "partition count");
        for (var p = 0; p < partitions; p++)
        {
            var key = reader.ReadPartitionKey();
            var partition = HnswPartition.ReadFrom(reader, key.Space.Dimensions, settings);
            if (!index._slots.TryAdd(key, new PartitionSlot(partition)))
                throw SnapshotReader.Corrupt($"partition {key.Collection.ToWireName()}/{key.Space.Id} appears twice.");
        }
        reader.VerifyChecksumAndEnd();

        foreach (var slot in index._slots.Values)
            if (slot.Current.M != settings.M)
                slot.Current = index.Rebuilt(slot.Current);
        return index;
    }
}
