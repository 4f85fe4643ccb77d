using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AudioFunctions.Embedding;

/// <summary>
/// The <see cref="EmbeddingSpace.Model"/> of an embedder's model files: SHA-256 over each file's name,
/// length and bytes in the order given, as <see cref="EmbeddingSpace.ModelLength"/> lowercase hex digits.
/// The same files give the same fingerprint on every machine; changed weights give another space.
/// </summary>
public static class ModelFingerprint
{
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public static string Of(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[sizeof(long)];
        var buffer = new byte[1 << 20];
        foreach (var path in paths)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path) + "\0"));
            BinaryPrimitives.WriteInt64LittleEndian(length, file.Length);
            hash.AppendData(length);
            int read;
            while ((read = file.Read(buffer)) > 0)
                hash.AppendData(buffer.AsSpan(0, read));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..EmbeddingSpace.ModelLength];
    }
}
