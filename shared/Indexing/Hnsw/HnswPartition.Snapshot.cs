namespace AudioFunctions.Indexing;

internal sealed partial class HnswPartition
{
    /// <summary>
    /// Writes the graph as it stands: every node in number order, tombstoned ones too (walks route through them),
    /// with its links, so <see cref="ReadFrom"/> restores the same graph without a single insert. Int8 codes are
    /// not written; they are recomputed from the vectors. The caller keeps writers out meanwhile (searches may run).
    /// <code>
    /// M int32 · node count int32 · entry node int32 (−1 when empty)
    /// per node: tombstone byte · level byte · track id · version tag · fields · vector (dimensions × float32)
    ///           level 0 links: count int32 then that many node numbers · the same for levels 1..level
    /// </code>
    /// </summary>
    public void WriteTo(SnapshotWriter writer)
    {
        var count = NodeCount;
        var entry = Volatile.Read(ref _entry);
        writer.WriteInt32(M);
        writer.WriteInt32(count);
        writer.WriteInt32(entry == EmptyEntry ? -1 : EntryNode(entry));
        for (var node = 0; node < count; node++)
        {
            var level = (int)_levels.Row(node)[0];
            writer.WriteByte(_deleted.Row(node)[0]);
            writer.WriteByte((byte)level);
            writer.WriteString(_trackIds.Row(node)[0]);
            writer.WriteString(_versionTags.Row(node)[0]);
            writer.WriteFields(_fields.Row(node)[0]);
            writer.WriteFloats(_vectors.Row(node));
            for (var l = 0; l <= level; l++)
            {
                var list = LinkList(node, l);
                writer.WriteInt32s(list[..(1 + list[0])]);
            }
        }
    }

    /// <summary>
    /// Reads a partition written by <see cref="WriteTo"/>. Its M is the one it was built with (links per node are
    /// fixed by it), whatever <paramref name="settings"/> says; the caller rebuilds when they differ. Every count
    /// and node number is range-checked, so damage the checksum has not been checked against yet ends in
    /// <see cref="InvalidDataException"/>, never in a graph that points outside itself.
    /// </summary>
    public static HnswPartition ReadFrom(SnapshotReader reader, int dimensions, HnswSettings settings)
    {
        var m = reader.ReadCount(256, "M");
        if (m < 2)
            throw SnapshotReader.Corrupt($"a graph has M {m}.");
        var partition = new HnswPartition(dimensions, settings with { M = m });
        var count = reader.ReadCount(int.MaxValue - 1, "node count");
        var entry = reader.ReadInt32();
        if (count == 0 ? entry != -1 : entry < 0 || entry >= count)
            throw SnapshotReader.Corrupt($"entry node {entry} is outside a graph of {count} nodes.");
        var vector = new float[dimensions];
        for (var node = 0; node < count; node++)
            partition.ReadNode(reader, node, count, vector);
        if (count > 0)
            partition._entry = PackEntry(entry, partition._levels.Row(entry)[0]);
        partition._nodeCount = count;
        partition._liveCount = partition._nodeOf.Count;
        return partition;
    }

    private void ReadNode(SnapshotReader reader, int node, int count, float[] vector)
    {
        var deleted = reader.ReadByte();
        var level = (int)reader.ReadByte();
        if (deleted > 1 || level > MaxLevel)
            throw SnapshotReader.Corrupt($"node {node} has tombstone {deleted} or level {level}.");
        var trackId = reader.ReadString();
        var versionTag = reader.ReadString();
        var fields = reader.ReadFields();
        reader.ReadFloats(vector);
        WriteNode(node, trackId, versionTag, fields, vector, level);
        _upperLinks.Row(node)[0] = level == 0 ? null : new int[level * _upperStride];
        for (var l = 0; l <= level; l++)
        {
            var list = LinkList(node, l);
            var links = reader.ReadCount(list.Length - 1, "link count");
            list[0] = links;
            reader.ReadInt32s(list.Slice(1, links));
            foreach (var neighbour in list.Slice(1, links))
                if ((uint)neighbour >= (uint)count || neighbour == node)
                    throw SnapshotReader.Corrupt($"node {node} links to node {neighbour} of {count}.");
        }
        AddPostings(node);
        if (deleted == 1)
        {
            _deleted.Row(node)[0] = 1;
            _deletedCount++;
        }
        else if (!_nodeOf.TryAdd(trackId, node))
        {
            throw SnapshotReader.Corrupt($"track {trackId} has two live nodes.");
        }
    }
}
