using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;

namespace AudioFunctions.Indexing;

/// <summary>
/// A <see cref="TrackIndex"/> at one moment, in one file so that it is replaced whole by one rename:
/// <code>
/// magic "AFTI" · format version int32 · generation int64 (the log that follows it)
/// tracks length int64 · tracks: JSON list of the indexed track documents with their versions · XxHash64 of them
/// vector index kind byte (<see cref="VectorIndexKind"/>; 0 when the index held documents only, and nothing follows)
/// vectors: that index's snapshot (<see cref="ExactVectorIndex.SaveSnapshot"/> or <see cref="HnswVectorIndex.SaveSnapshot"/>, with its own checksum)
/// </code>
/// Integers are little-endian. Any damage is an <see cref="InvalidDataException"/>.
/// </summary>
internal sealed record TrackIndexSnapshot(long Generation, IReadOnlyList<IndexedTrack> Tracks, IPersistentVectorIndex? Vectors)
{
    private const int FormatVersion = 2;
    private const byte DocumentsOnly = 0;
    private const int HeaderBytes = 4 + sizeof(int) + sizeof(long) + sizeof(long);

    private static ReadOnlySpan<byte> Magic => "AFTI"u8;

    public static void Write(Stream destination, long generation, IReadOnlyList<IndexedTrack> tracks, IPersistentVectorIndex? vectors)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(tracks.ToList(), IndexJsonContext.Default.ListIndexedTrack);
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], generation);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], json.Length);
        destination.Write(header);
        destination.Write(json);
        destination.Write(XxHash64.Hash(json));
        destination.WriteByte(vectors is null ? DocumentsOnly : (byte)vectors.Kind);
        vectors?.SaveSnapshot(destination);
    }

    /// <summary>Reads a snapshot; a graph index in it is read with <paramref name="hnsw"/> as its settings.</summary>
    public static TrackIndexSnapshot Read(Stream source, HnswSettings hnsw)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (source.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) != HeaderBytes || !header[..4].SequenceEqual(Magic))
            throw SnapshotReader.Corrupt("it does not start with the track index magic.");
        var version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (version != FormatVersion)
            throw new InvalidDataException($"Track index snapshot format version {version} is not supported (expected {FormatVersion}).");
        var generation = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (generation < 0 || length < 0 || length > Array.MaxLength)
            throw SnapshotReader.Corrupt($"generation {generation} or track list length {length} is impossible.");
        var json = new byte[length];
        var checksum = new byte[SnapshotFormat.ChecksumBytes];
        if (source.ReadAtLeast(json, json.Length, throwOnEndOfStream: false) != json.Length
            || source.ReadAtLeast(checksum, checksum.Length, throwOnEndOfStream: false) != checksum.Length)
            throw SnapshotReader.Corrupt("it ends inside the track list.");
        if (!XxHash64.Hash(json).AsSpan().SequenceEqual(checksum))
            throw SnapshotReader.Corrupt("the track list's checksum does not match.");
        var tracks = JsonSerializer.Deserialize(json, IndexJsonContext.Default.ListIndexedTrack)
            ?? throw SnapshotReader.Corrupt("the track list is JSON null.");
        IPersistentVectorIndex? vectors = source.ReadByte() switch
        {
            DocumentsOnly => null,
            (int)VectorIndexKind.Exact => ExactVectorIndex.LoadSnapshot(source),
            (int)VectorIndexKind.Hnsw => HnswVectorIndex.LoadSnapshot(source, hnsw),
            var kind => throw SnapshotReader.Corrupt($"vector index kind {kind} is unknown."),
        };
        return new TrackIndexSnapshot(generation, tracks, vectors);
    }
}
