using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>
/// Reads the primitives of <see cref="SnapshotFormat"/> through a pooled buffer, hashing every byte it
/// consumes. Malformed or missing input throws <see cref="InvalidDataException"/>; lengths are checked
/// against <see cref="IndexLimits"/> before anything is allocated for them. Dispose returns the buffer.
/// </summary>
internal sealed class SnapshotReader(Stream source) : IDisposable
{
    private const int BufferBytes = 64 * 1024;

    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly XxHash64 _hash = new();
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    private int _hashedTo;  // bytes [_hashedTo, _next) are consumed but not yet hashed
    private int _next;      // next unread byte
    private int _end;       // end of the bytes read from the source

    public static InvalidDataException Corrupt(string detail) => new("The vector index snapshot is corrupt: " + detail);

    public void ReadBytes(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_next == _end)
                Ensure(1);
            var n = Math.Min(destination.Length, _end - _next);
            _buffer.AsSpan(_next, n).CopyTo(destination);
            _next += n;
            destination = destination[n..];
        }
    }

    public byte ReadByte()
    {
        Ensure(1);
        return _buffer[_next++];
    }

    public int ReadInt32()
    {
        Ensure(sizeof(int));
        var value = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_next));
        _next += sizeof(int);
        return value;
    }

    /// <summary>An int32 that must lie in [0, <paramref name="max"/>].</summary>
    public int ReadCount(int max, string what)
    {
        var value = ReadInt32();
        return value >= 0 && value <= max ? value : throw Corrupt($"{what} {value} is outside 0..{max}.");
    }

    public string ReadString()
    {
        var length = ReadStringLength();
        if (length <= _buffer.Length)
        {
            Ensure(length);
            var text = Decode(_buffer.AsSpan(_next, length));
            _next += length;
            return text;
        }
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            ReadBytes(bytes.AsSpan(0, length));
            return Decode(bytes.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public string? ReadNullableString() => ReadByte() switch
    {
        0 => null,
        1 => ReadString(),
        var flag => throw Corrupt($"presence byte {flag} is neither 0 nor 1."),
    };

    public TrackFilterFields ReadFields()
    {
        var artists = ReadStrings();
        var album = ReadNullableString();
        var genres = ReadStrings();
        return new TrackFilterFields(artists, album, genres);
    }

    public void ReadFloats(Span<float> destination)
    {
        ReadBytes(MemoryMarshal.AsBytes(destination));
        if (!BitConverter.IsLittleEndian)
        {
            var bits = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }

    /// <summary>A key written by <see cref="SnapshotWriter.WritePartitionKey"/>, checked as a key.</summary>
    public PartitionKey ReadPartitionKey()
    {
        var collection = (VectorCollection)ReadByte();
        if (collection is not (VectorCollection.Text or VectorCollection.Audio))
            throw Corrupt($"collection {(int)collection} is unknown.");
        var embedder = ReadString();
        var embedderVersion = ReadString();
        var model = ReadNullableString();
        var dimensions = ReadCount(IndexLimits.MaxDimensions, "dimension count");
        if (dimensions == 0)
            throw Corrupt("a partition has 0 dimensions.");
        try
        {
            return new PartitionKey(collection, new EmbeddingSpace(embedder, embedderVersion, dimensions, model));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("The vector index snapshot is corrupt: a partition names an invalid embedding space.", e);
        }
    }

    public void ReadInt32s(Span<int> destination)
    {
        ReadBytes(MemoryMarshal.AsBytes(destination));
        if (!BitConverter.IsLittleEndian)
            BinaryPrimitives.ReverseEndianness(destination, destination);
    }

    /// <summary>Checks the trailing checksum against every byte consumed before it, and that nothing follows it.</summary>
    public void VerifyChecksumAndEnd()
    {
        HashConsumed();
        Span<byte> expected = stackalloc byte[SnapshotFormat.ChecksumBytes];
        _hash.GetCurrentHash(expected);
        Ensure(SnapshotFormat.ChecksumBytes);
        var stored = _buffer.AsSpan(_next, SnapshotFormat.ChecksumBytes);
        _next += SnapshotFormat.ChecksumBytes;
        _hashedTo = _next;
        if (!stored.SequenceEqual(expected))
            throw Corrupt("the checksum does not match the content.");
        if (_next != _end || source.Read(_buffer, 0, 1) != 0)
            throw Corrupt("bytes follow the checksum.");
    }

    public void Dispose()
    {
        if (_buffer.Length == 0)
            return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private string[] ReadStrings()
    {
        var count = ReadCount(IndexLimits.MaxFieldValues, "artist or genre count");
        if (count == 0)
            return [];
        var values = new string[count];
        for (var i = 0; i < count; i++)
            values[i] = ReadString();
        return values;
    }

    /// <summary>A 7-bit-encoded length (low groups first, high bit = more follow), at most <see cref="IndexLimits.MaxStringBytes"/>.</summary>
    private int ReadStringLength()
    {
        var length = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte();
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return length is >= 0 and <= IndexLimits.MaxStringBytes ? length : throw Corrupt($"string length {length} is out of range.");
        }
        throw Corrupt("a string length runs past 5 bytes.");
    }

    private static string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return _strictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("The vector index snapshot is corrupt: a string is not valid UTF-8.", e);
        }
    }

    /// <summary>Makes at least <paramref name="count"/> (≤ buffer size) unread bytes available, or throws on a truncated source.</summary>
    private void Ensure(int count)
    {
        if (_end - _next >= count)
            return;
        // Hash what was consumed before it leaves the buffer, then move the unread tail to the front.
        HashConsumed();
        var unread = _end - _next;
        _buffer.AsSpan(_next, unread).CopyTo(_buffer);
        _next = _hashedTo = 0;
        _end = unread;
        while (_end < count)
        {
            var read = source.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
                throw Corrupt("it ends early (truncated).");
            _end += read;
        }
    }

    private void HashConsumed()
    {
        _hash.Append(_buffer.AsSpan(_hashedTo, _next - _hashedTo));
        _hashedTo = _next;
    }
}
