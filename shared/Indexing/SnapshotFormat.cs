namespace AudioFunctions.Indexing;

/// <summary>
/// Layout of an <see cref="ExactVectorIndex"/> snapshot. Integers are little-endian; a string is a
/// 7-bit-encoded byte length then UTF-8; a nullable string is a presence byte (0 or 1) then the string.
/// <code>
/// magic "AFVI" · format version int32 · partition count int32
/// per partition: collection byte · embedder string · version string · model nullable string · dimensions int32 · count int32
///   per entry: track id string · version tag string
///              artist count int32 · artists · album nullable string · genre count int32 · genres
///              vector: dimensions × float32
/// checksum: XxHash64 of every byte before it (8 bytes, as XxHash64 writes them)
/// </code>
/// </summary>
internal static class SnapshotFormat
{
    public static ReadOnlySpan<byte> Magic => "AFVI"u8;

    /// <summary>Bumped on any layout change; readers refuse versions they do not know.</summary>
    public const int Version = 2;

    public const int ChecksumBytes = 8;
}
