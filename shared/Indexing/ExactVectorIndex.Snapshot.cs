using System.Buffers;

namespace AudioFunctions.Indexing;

public sealed partial class ExactVectorIndex
{
    /// <summary>
    /// Writes the whole index to <paramref name="destination"/> in the binary layout of
    /// <see cref="SnapshotFormat"/>: partitions ordered by collection then space id, rows in storage order,
    /// so saving an unchanged index twice gives the same bytes. Each partition is read under its read lock
    /// (consistent per partition; writers to it wait meanwhile), so pass a fast stream, such as a file or
    /// <see cref="MemoryStream"/>, and upload it afterwards. Does not close the stream.
    /// </summary>
    public void SaveSnapshot(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var keys = PartitionKey.Ordered(_partitions.Keys);

        using var writer = new SnapshotWriter(destination);
        writer.WriteBytes(SnapshotFormat.Magic);
        writer.WriteInt32(SnapshotFormat.Version);
        writer.WriteInt32(keys.Length);
        foreach (var key in keys)
        {
            writer.WritePartitionKey(key);
            _partitions[key].WriteTo(writer);
        }
        writer.Complete();
    }

    /// <summary>
    /// Reads an index written by <see cref="SaveSnapshot"/>, consuming <paramref name="source"/> to its end.
    /// Throws <see cref="InvalidDataException"/> on any corruption (wrong magic or version, truncation, bad
    /// lengths, a checksum mismatch, trailing bytes); the index is only returned once the checksum over all
    /// of it has been verified, so a partial index never escapes. Stored vectors are taken as written, not
    /// renormalised, so searches after a load give bit-identical scores.
    /// </summary>
    public static ExactVectorIndex LoadSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new SnapshotReader(source);
        Span<byte> magic = stackalloc byte[SnapshotFormat.Magic.Length];
        reader.ReadBytes(magic);
        if (!magic.SequenceEqual(SnapshotFormat.Magic))
            throw SnapshotReader.Corrupt("it does not start with the snapshot magic.");
        var version = reader.ReadInt32();
        if (version != SnapshotFormat.Version)
            throw new InvalidDataException($"Vector index snapshot format version {version} is not supported (expected {SnapshotFormat.Version}).");

        var index = new ExactVectorIndex();
        var partitions = reader.ReadCount(int.MaxValue, "partition count");
        for (var p = 0; p < partitions; p++)
            index.ReadPartition(reader);
        reader.VerifyChecksumAndEnd();
        return index;
    }

    private void ReadPartition(SnapshotReader reader)
    {
        var key = reader.ReadPartitionKey();
        var dimensions = key.Space.Dimensions;
        var partition = new VectorPartition(dimensions);
        if (!_partitions.TryAdd(key, partition))
            throw SnapshotReader.Corrupt($"partition {key.Collection.ToWireName()}/{key.Space.Id} appears twice.");

        // The count is not trusted for allocation: the partition grows as rows actually arrive, so a
        // corrupted count ends in truncation rather than in a huge up-front array.
        var count = reader.ReadCount(int.MaxValue, "track count");
        var row = ArrayPool<float>.Shared.Rent(dimensions);
        try
        {
            var vector = row.AsSpan(0, dimensions);
            for (var i = 0; i < count; i++)
            {
                var trackId = reader.ReadString();
                var versionTag = reader.ReadString();
                var fields = reader.ReadFields();
                reader.ReadFloats(vector);
                partition.AddLoaded(trackId, versionTag, fields, vector);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(row);
        }
    }
}
