using System.Buffers.Binary;
using System.Text;

namespace AudioFunctions.Tests.Audio;

/// <summary>
/// Builds WAV headers chunk by chunk, including malformed and unsupported ones, so reader tests
/// state each case's bytes the way the RIFF and RF64 specifications lay them out.
/// </summary>
internal sealed class WavBuilder
{
    public const ushort TagPcm = 0x0001;
    public const ushort TagIeeeFloat = 0x0003;
    public const ushort TagExtensible = 0xFFFE;

    private readonly MemoryStream _bytes = new();

    /// <summary>Starts with the 12-byte preamble: <paramref name="form"/>, <paramref name="riffSize"/>, <paramref name="type"/>.</summary>
    public WavBuilder(string form = "RIFF", uint riffSize = 0xFFFFFFFF, string type = "WAVE")
    {
        Ascii(form);
        UInt32(riffSize);
        Ascii(type);
    }

    public int Length => (int)_bytes.Length;

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>A chunk whose size is its body's length, followed by the pad byte when that is odd.</summary>
    public WavBuilder Chunk(string id, byte[] body)
    {
        Ascii(id);
        UInt32((uint)body.Length);
        _bytes.Write(body);
        if (body.Length % 2 == 1)
            _bytes.WriteByte(0);
        return this;
    }

    /// <summary>A chunk header declaring <paramref name="declaredSize"/> followed by exactly <paramref name="body"/> (no pad).</summary>
    public WavBuilder RawChunk(string id, uint declaredSize, ReadOnlySpan<byte> body = default)
    {
        Ascii(id);
        UInt32(declaredSize);
        _bytes.Write(body);
        return this;
    }

    /// <summary>A 16-byte PCMWAVEFORMAT fmt chunk; block align and byte rate follow from the other fields unless given.</summary>
    public WavBuilder Fmt(ushort tag, int channels, int rateHz, int bits, int? blockAlign = null) =>
        Chunk("fmt ", FmtBody(tag, channels, rateHz, bits, blockAlign ?? channels * bits / 8, extraBytes: null));

    /// <summary>A WAVEFORMATEXTENSIBLE fmt chunk (40 bytes unless <paramref name="size"/> cuts it) with a KSDATAFORMAT sub-format of <paramref name="subTag"/>.</summary>
    public WavBuilder FmtExtensible(ushort subTag, int channels, int rateHz, int bits, int validBits = -1,
        int? blockAlign = null, ushort extraBytes = 22, int size = 40, Guid? subFormat = null)
    {
        var body = new byte[40];
        FmtBody(TagExtensible, channels, rateHz, bits, blockAlign ?? channels * bits / 8, extraBytes).CopyTo(body, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), (ushort)(validBits < 0 ? bits : validBits));
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(20), channels == 1 ? 0x4u : 0x3u); // front centre / front left+right
        var guid = subFormat ?? new Guid($"{subTag:x8}-0000-0010-8000-00aa00389b71");
        guid.TryWriteBytes(body.AsSpan(24));
        return Chunk("fmt ", body[..size]);
    }

    /// <summary>An RF64 ds64 chunk: RIFF size, data size, sample count, then a table length of 0 (28 bytes) unless cut to <paramref name="size"/>.</summary>
    public WavBuilder Ds64(ulong riffSize, ulong dataSize, ulong sampleCount, int size = 28)
    {
        var body = new byte[Math.Max(size, 28)];
        BinaryPrimitives.WriteUInt64LittleEndian(body, riffSize);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), dataSize);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(16), sampleCount);
        return Chunk("ds64", body[..size]);
    }

    /// <summary>The data chunk's header declaring <paramref name="declaredSize"/>, then <paramref name="firstSamples"/> of its payload.</summary>
    public WavBuilder Data(uint declaredSize, ReadOnlySpan<byte> firstSamples = default) => RawChunk("data", declaredSize, firstSamples);

    private static byte[] FmtBody(ushort tag, int channels, int rateHz, int bits, int blockAlign, ushort? extraBytes)
    {
        var body = new byte[extraBytes is null ? 16 : 18];
        BinaryPrimitives.WriteUInt16LittleEndian(body, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)rateHz);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(rateHz * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bits);
        if (extraBytes is not null)
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), extraBytes.Value);
        return body;
    }

    private void Ascii(string fourCc)
    {
        if (fourCc.Length != 4)
            throw new ArgumentException($"A chunk id has 4 characters; got '{fourCc}'.", nameof(fourCc));
        _bytes.Write(Encoding.ASCII.GetBytes(fourCc));
    }

    private void UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _bytes.Write(bytes);
    }
}
