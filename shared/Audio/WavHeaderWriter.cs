using System.Buffers.Binary;

namespace AudioFunctions.Audio;

/// <summary>
/// Writes the header that turns PCM of a known length into a WAV file: a canonical 44-byte RIFF
/// header, or an 80-byte RF64 header (with a ds64 chunk) when the sizes do not fit 32 bits.
/// </summary>
/// <remarks>
/// <para>Layout. RIFF: "RIFF", size, "WAVE", fmt chunk (16 bytes), "data", size. RF64: "RF64",
/// 0xFFFFFFFF, "WAVE", ds64 chunk (28 bytes: RIFF size, data size, sample frames, empty table), fmt
/// chunk, "data", 0xFFFFFFFF. The fmt chunk carries format tag 1 (PCM) for 16 and 24-bit integers and
/// 3 (IEEE float) for 32-bit float, as ffmpeg, libsndfile and Windows read them.</para>
/// <para>No fact chunk, also not for float: for uncompressed audio its frame count is the data size
/// divided by the block align, readers do not require it, and leaving it out keeps the header size a
/// function of the data length alone (<see cref="HeaderBytes"/>).</para>
/// <para>Odd data lengths: as the RIFF rule says, the data chunk's size is the exact length and the
/// RIFF size counts the pad byte that follows odd-sized data. The caller appends that one zero byte
/// after the data, so the file is as long as the RIFF size says.</para>
/// <para>A header for 0 data bytes reads back as open-ended (streaming writers put 0 there for an
/// unknown length); with no audio following, the two readings agree.</para>
/// </remarks>
public static class WavHeaderWriter
{
    private const int RiffHeaderBytes = 44;
    private const int Rf64HeaderBytes = 80;
    private const int FmtBytes = 16;
    private const int Ds64Bytes = 28;
    private const ushort FormatTagPcm = 0x0001;
    private const ushort FormatTagIeeeFloat = 0x0003;

    /// <summary>RIFF size of a RIFF file without its data and pad: "WAVE" + fmt chunk + data chunk header.</summary>
    private const int RiffSizeOverhead = 4 + 8 + FmtBytes + 8;

    /// <summary>RIFF size of an RF64 file without its data and pad: "WAVE" + ds64 + fmt chunk + data chunk header.</summary>
    private const int Rf64SizeOverhead = 4 + 8 + Ds64Bytes + 8 + FmtBytes + 8;

    /// <summary>The number of bytes <see cref="Write"/> produces for <paramref name="dataBytes"/> of audio:
    /// 44 while the RIFF size fits 32 bits, 80 (RF64) above.</summary>
    public static int HeaderBytes(long dataBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataBytes);
        return NeedsRf64(dataBytes) ? Rf64HeaderBytes : RiffHeaderBytes;
    }

    /// <summary>
    /// Writes the header for <paramref name="dataBytes"/> bytes of interleaved PCM in
    /// <paramref name="format"/> to the start of <paramref name="destination"/>; allocates nothing.
    /// </summary>
    /// <returns>The bytes written, <see cref="HeaderBytes"/>(<paramref name="dataBytes"/>).</returns>
    /// <exception cref="ArgumentException">The format is not one a WAV file can carry here (unknown
    /// encoding, channels outside 1..<see cref="StreamAudioFormat.MaxChannels"/>, rate outside
    /// 1..<see cref="StreamAudioFormat.MaxSampleRateHz"/>), <paramref name="dataBytes"/> is negative,
    /// or <paramref name="destination"/> is shorter than the header.</exception>
    public static int Write(StreamAudioFormat format, long dataBytes, Span<byte> destination)
    {
        ValidateFormat(format);
        var size = HeaderBytes(dataBytes);
        if (destination.Length < size)
            throw new ArgumentException($"The header takes {size} bytes; the destination holds {destination.Length}.", nameof(destination));
        destination = destination[..size];
        var pad = (ulong)(dataBytes & 1);

        if (size == RiffHeaderBytes)
        {
            "RIFF"u8.CopyTo(destination);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)((ulong)dataBytes + RiffSizeOverhead + pad));
            "WAVE"u8.CopyTo(destination[8..]);
            WriteFmtChunk(format, destination[12..]);
            "data"u8.CopyTo(destination[36..]);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], (uint)dataBytes);
            return size;
        }

        "RF64"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], uint.MaxValue);
        "WAVE"u8.CopyTo(destination[8..]);
        "ds64"u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], Ds64Bytes);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[20..], (ulong)dataBytes + Rf64SizeOverhead + pad);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[28..], (ulong)dataBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[36..], (ulong)format.FramesIn(dataBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[44..], 0); // table of other chunk sizes: none
        WriteFmtChunk(format, destination[48..]);
        "data"u8.CopyTo(destination[72..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[76..], uint.MaxValue);
        return size;
    }

    /// <summary>
    /// RF64 once the RIFF size (<see cref="RiffSizeOverhead"/> + data + pad) no longer fits below
    /// 0xFFFFFFFF; that value itself is kept out because streaming writers use it for "unknown", and the
    /// data size, being smaller, then never reaches it either.
    /// </summary>
    private static bool NeedsRf64(long dataBytes) =>
        (ulong)dataBytes + RiffSizeOverhead + (ulong)(dataBytes & 1) >= uint.MaxValue;

    /// <summary>Writes "fmt ", its size and the 16-byte PCMWAVEFORMAT body: 24 bytes.</summary>
    private static void WriteFmtChunk(StreamAudioFormat format, Span<byte> destination)
    {
        var bytesPerSample = format.Encoding.BytesPerSample();
        var blockAlign = format.BytesPerFrame;
        "fmt "u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], FmtBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], format.Encoding == PcmEncoding.F32Le ? FormatTagIeeeFloat : FormatTagPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], (ushort)format.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)format.SampleRateHz);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], (uint)(format.SampleRateHz * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], (ushort)(bytesPerSample * 8));
    }

    private static void ValidateFormat(StreamAudioFormat format)
    {
        if (!Enum.IsDefined(format.Encoding))
            throw new ArgumentException($"Encoding {format.Encoding} is not one of {PcmEncodingNames.All}.", nameof(format));
        if (format.Channels is < 1 or > StreamAudioFormat.MaxChannels)
            throw new ArgumentException($"Channels must be 1 to {StreamAudioFormat.MaxChannels}; got {format.Channels}.", nameof(format));
        if (format.SampleRateHz is < 1 or > StreamAudioFormat.MaxSampleRateHz)
            throw new ArgumentException($"Sample rate must be 1 to {StreamAudioFormat.MaxSampleRateHz} Hz; got {format.SampleRateHz}.", nameof(format));
    }
}
