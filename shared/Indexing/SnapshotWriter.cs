using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace AudioFunctions.Indexing;

/// <summary>
/// Writes the primitives of <see cref="SnapshotFormat"/> through a pooled buffer, hashing every byte it
/// writes so <see cref="Complete"/> can append the checksum. Dispose returns the buffer.
/// </summary>
internal sealed class SnapshotWriter(Stream destination) : IDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly XxHash64 _hash = new();
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    private int _length;

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_length == _buffer.Length)
                FlushBuffer();
            var n = Math.Min(bytes.Length, _buffer.Length - _length);
            bytes[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
            bytes = bytes[n..];
        }
    }

    public void WriteByte(byte value) => WriteBytes([value]);

    public void WriteInt32(int value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        WriteBytes(bytes);
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Span<byte> prefix = stackalloc byte[5];
        var prefixLength = 0;
        for (var rest = (uint)length; ; rest >>= 7)
        {
            prefix[prefixLength++] = (byte)(rest >= 0x80 ? rest | 0x80 : rest);
            if (rest < 0x80)
                break;
        }
        WriteBytes(prefix[..prefixLength]);

        if (length > _buffer.Length - _length)
            FlushBuffer();
        if (length <= _buffer.Length)
        {
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
            return;
        }
        // Longer than the whole buffer (limits allow ~192 KiB): encode into a temporary array.
        var encoded = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            WriteBytes(encoded.AsSpan(0, Encoding.UTF8.GetBytes(value, encoded)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    public void WriteNullableString(string? value)
    {
        WriteByte(value is null ? (byte)0 : (byte)1);
        if (value is not null)
            WriteString(value);
    }

    public void WriteFields(TrackFilterFields fields)
    {
        WriteStrings(fields.Artists);
        WriteNullableString(fields.Album);
        WriteStrings(fields.Genres);
    }

    public void WriteFloats(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> bytes = stackalloc byte[sizeof(float)];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            WriteBytes(bytes);
        }
    }

    /// <summary>Collection byte · embedder · version · model (nullable) · dimensions int32.</summary>
    public void WritePartitionKey(PartitionKey key)
    {
        WriteByte((byte)key.Collection);
        WriteString(key.Space.Embedder);
        WriteString(key.Space.Version);
        WriteNullableString(key.Space.Model);
        WriteInt32(key.Space.Dimensions);
    }

    public void WriteInt32s(ReadOnlySpan<int> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(MemoryMarshal.AsBytes(values));
            return;
        }
        foreach (var value in values)
            WriteInt32(value);
    }

    /// <summary>Flushes everything written and appends the checksum of it.</summary>
    public void Complete()
    {
        FlushBuffer();
        Span<byte> checksum = stackalloc byte[SnapshotFormat.ChecksumBytes];
        _hash.GetCurrentHash(checksum);
        destination.Write(checksum);
        destination.Flush();
    }

    public void Dispose()
    {
        if (_buffer.Length == 0)
            return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void WriteStrings(IReadOnlyList<string> values)
    {
        WriteInt32(values.Count);
        for (var i = 0; i < values.Count; i++)
            WriteString(values[i]);
    }

    private void FlushBuffer()
    {
        var written = _buffer.AsSpan(0, _length);
        _hash.Append(written);
        destination.Write(written);
        _length = 0;
    }
}
