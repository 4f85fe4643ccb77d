using System.Buffers.Binary;

namespace AudioFunctions.Audio;

/// <summary>
/// Reads the header of a RIFF or RF64 WAVE stream incrementally: call <see cref="TryParse"/> with the
/// bytes received so far and again with more while it says <see cref="WavParseStatus.NeedMoreData"/>.
/// Chunks before the data chunk (LIST, fact, JUNK, bext, ...) are skipped in any order, honouring the
/// pad byte after odd-sized chunks; the fmt chunk must come before the data chunk, and parsing stops at
/// the data chunk's header. Each call re-reads the prefix from the start (at most
/// <see cref="MaxHeaderBytes"/>), allocates nothing unless it fails, and never sizes anything from a
/// declared length.
/// </summary>
public static class WavHeaderReader
{
    /// <summary>The data chunk's payload must start within this many bytes of the stream.</summary>
    /// <remarks>Real headers take 44 to a few hundred bytes (ffmpeg's LIST and bext chunks included);
    /// the bound keeps a stream that never reaches its audio from being buffered without end.</remarks>
    public const int MaxHeaderBytes = 64 * 1024;

    private const int PreambleBytes = 12;      // "RIFF"/"RF64", 32-bit size, "WAVE"
    private const int ChunkHeaderBytes = 8;    // four-character id, 32-bit little-endian size
    private const int FmtBytes = 16;           // WAVEFORMAT + wBitsPerSample
    private const int FmtExtensibleBytes = 40; // WAVEFORMATEXTENSIBLE: 16 + cbSize (2) + 22
    private const int ExtensibleExtraBytes = 22;
    private const int Ds64MinBytes = 24;       // RIFF size, data size, sample count (64 bits each)
    private const ushort FormatTagPcm = 0x0001;
    private const ushort FormatTagIeeeFloat = 0x0003;
    private const ushort FormatTagExtensible = 0xFFFE;
    private const uint OpenSize = 0xFFFFFFFF;

    private const string Supported =
        "supported are 16-bit or 24-bit integer PCM (format tag 1) and 32-bit IEEE float (format tag 3), " +
        "plain or as WAVE_FORMAT_EXTENSIBLE (0xFFFE) with the PCM or IEEE float sub-format";

    /// <summary>
    /// The last 14 bytes shared by KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT
    /// ({0000000X-0000-0010-8000-00AA00389B71}); the first two bytes carry the format tag.
    /// </summary>
    private static ReadOnlySpan<byte> SubFormatGuidTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>
    /// Whether <paramref name="start"/> (the first bytes of a stream, any length) begins a WAV file:
    /// "RIFF" or "RF64" at byte 0 and "WAVE" at byte 8. Decides as soon as a byte differs; otherwise
    /// needs 12 bytes.
    /// </summary>
    public static WavProbe Probe(ReadOnlySpan<byte> start)
    {
        if (!MatchesSoFar(start, 0, "RIFF"u8) && !MatchesSoFar(start, 0, "RF64"u8))
            return WavProbe.NotWav;
        if (!MatchesSoFar(start, 8, "WAVE"u8))
            return WavProbe.NotWav;
        return start.Length < PreambleBytes ? WavProbe.NeedMoreData : WavProbe.Wav;
    }

    /// <summary>
    /// Parses the WAV header at the beginning of <paramref name="start"/>.
    /// </summary>
    /// <param name="start">The first bytes of the stream, as many as have arrived; bytes past the
    /// header are ignored, so a caller may pass its whole buffer.</param>
    /// <param name="header">Set when the result is <see cref="WavParseStatus.Complete"/>.</param>
    /// <param name="error">Set when the result is <see cref="WavParseStatus.Invalid"/>: what was found
    /// and what is supported, fit for a client.</param>
    /// <remarks>A data size of 0 or 0xFFFFFFFF, and in RF64 a ds64 data size of 0 or
    /// 0xFFFFFFFFFFFFFFFF (or no ds64 chunk), leave <see cref="WavHeader.DataBytes"/> open. The RIFF
    /// size is not checked: streaming writers leave it 0xFFFFFFFF, and the data chunk alone bounds
    /// the audio.</remarks>
    public static WavParseStatus TryParse(ReadOnlySpan<byte> start, out WavHeader header, out string? error)
    {
        header = default;
        error = null;
        switch (Probe(start))
        {
            case WavProbe.NeedMoreData:
                return WavParseStatus.NeedMoreData;
            case WavProbe.NotWav:
                error = NotWavMessage(start);
                return WavParseStatus.Invalid;
        }

        var rf64 = start[..4].SequenceEqual("RF64"u8);
        StreamAudioFormat? format = null;
        var ds64Seen = false;
        ulong ds64DataBytes = 0;
        var position = PreambleBytes;
        while (true)
        {
            if (start.Length < position + ChunkHeaderBytes)
                return WavParseStatus.NeedMoreData;
            var id = start.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(start[(position + 4)..]);
            var body = position + ChunkHeaderBytes;

            if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                    return Fail(out error, "the WAV data chunk comes before any fmt chunk; the fmt chunk must describe the audio first.");
                error = DataBytes(size, rf64, ds64Seen, ds64DataBytes, out var dataBytes);
                if (error is not null)
                    return WavParseStatus.Invalid;
                header = new WavHeader(format.Value, body, dataBytes);
                return WavParseStatus.Complete;
            }

            // The pad byte after an odd-sized chunk is not in its size but is in the file (RIFF rule).
            var next = body + (long)size + (size & 1);
            if (next + ChunkHeaderBytes > MaxHeaderBytes)
                return Fail(out error,
                    $"the WAV data chunk does not start within the first {MaxHeaderBytes} bytes: chunk '{FourCc(id)}' at byte {position} declares {size} bytes.");

            if (id.SequenceEqual("fmt "u8))
            {
                if (format is not null)
                    return Fail(out error, "the WAV header has two fmt chunks; one must describe the audio.");
                if (size < FmtBytes)
                    return Fail(out error, $"the WAV fmt chunk has {size} bytes; it needs at least {FmtBytes}.");
                if (start.Length < body + size)
                    return WavParseStatus.NeedMoreData;
                error = ReadFormat(start.Slice(body, (int)size), out var parsed);
                if (error is not null)
                    return WavParseStatus.Invalid;
                format = parsed;
            }
            else if (rf64 && id.SequenceEqual("ds64"u8))
            {
                if (ds64Seen)
                    return Fail(out error, "the RF64 header has two ds64 chunks; one must carry the sizes.");
                if (size < Ds64MinBytes)
                    return Fail(out error, $"the RF64 ds64 chunk has {size} bytes; it needs at least {Ds64MinBytes} (RIFF, data and sample count sizes).");
                if (start.Length < body + Ds64MinBytes)
                    return WavParseStatus.NeedMoreData;
                ds64DataBytes = BinaryPrimitives.ReadUInt64LittleEndian(start[(body + 8)..]);
                ds64Seen = true;
            }
            position = (int)next;
        }
    }

    /// <summary>The data chunk's payload length, null when open; returns an error or null.</summary>
    private static string? DataBytes(uint size, bool rf64, bool ds64Seen, ulong ds64DataBytes, out long? dataBytes)
    {
        dataBytes = null;
        if (size == 0)
            return null;
        if (size != OpenSize)
        {
            dataBytes = size;
            return null;
        }
        // 0xFFFFFFFF: in RF64 the size is in ds64; in RIFF (or RF64 without ds64) it is a streaming writer's "unknown".
        if (!rf64 || !ds64Seen || ds64DataBytes is 0 or ulong.MaxValue)
            return null;
        if (ds64DataBytes > long.MaxValue)
            return $"the RF64 ds64 chunk declares {ds64DataBytes} data bytes; at most {long.MaxValue} are supported.";
        dataBytes = (long)ds64DataBytes;
        return null;
    }

    /// <summary>Reads a fmt chunk's body (WAVEFORMATEX or WAVEFORMATEXTENSIBLE) into a supported format; returns an error or null.</summary>
    private static string? ReadFormat(ReadOnlySpan<byte> fmt, out StreamAudioFormat format)
    {
        format = default;
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var sampleRateHz = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        var sampleTag = tag;
        var validBits = bits;
        if (tag == FormatTagExtensible)
        {
            if (fmt.Length < FmtExtensibleBytes)
                return $"the WAV fmt chunk is WAVE_FORMAT_EXTENSIBLE but has {fmt.Length} bytes; it needs {FmtExtensibleBytes}.";
            var extraBytes = BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]);
            if (extraBytes < ExtensibleExtraBytes)
                return $"the WAV fmt chunk is WAVE_FORMAT_EXTENSIBLE but its cbSize is {extraBytes}; it needs {ExtensibleExtraBytes}.";
            validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            var subFormat = fmt.Slice(24, 16);
            if (!subFormat[2..].SequenceEqual(SubFormatGuidTail))
                return $"unsupported WAV encoding: WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(subFormat)}; {Supported}.";
            sampleTag = BinaryPrimitives.ReadUInt16LittleEndian(subFormat);
            // 0 means "all bits valid"; fewer valid bits than the container still scale by the container's full scale.
            if (validBits == 0)
                validBits = bits;
        }

        PcmEncoding? encoding = (sampleTag, bits) switch
        {
            (FormatTagPcm, 16) => PcmEncoding.S16Le,
            (FormatTagPcm, 24) => PcmEncoding.S24Le,
            (FormatTagIeeeFloat, 32) => PcmEncoding.F32Le,
            _ => null,
        };
        if (encoding is null)
            return $"unsupported WAV encoding: {DescribeEncoding(tag, sampleTag, bits)}; {Supported}.";
        if (validBits > bits || (encoding == PcmEncoding.F32Le && validBits != bits))
            return $"unsupported WAV encoding: {validBits} valid bits in {bits}-bit samples; {Supported}.";
        if (channels is 0 or > StreamAudioFormat.MaxChannels)
            return $"unsupported WAV channel count {channels}; supported are 1 (mono) and 2 (stereo).";
        if (sampleRateHz is 0 or > StreamAudioFormat.MaxSampleRateHz)
            return $"unsupported WAV sample rate {sampleRateHz} Hz; supported are 1 to {StreamAudioFormat.MaxSampleRateHz} Hz.";
        var frameBytes = encoding.Value.BytesPerSample() * channels;
        if (blockAlign != frameBytes)
            return $"inconsistent WAV fmt chunk: block align is {blockAlign} bytes, but {channels} channel(s) of {bits}-bit samples take {frameBytes} bytes per frame.";
        // The byte rate (rate × block align) is redundant and unused, so a writer's wrong value is not fatal.
        format = new StreamAudioFormat(encoding.Value, (int)sampleRateHz, channels);
        return null;
    }

    private static string DescribeEncoding(ushort tag, ushort sampleTag, ushort bits) => sampleTag switch
    {
        FormatTagPcm => $"{bits}-bit integer PCM",
        FormatTagIeeeFloat => $"{bits}-bit IEEE float",
        _ when tag == FormatTagExtensible => $"WAVE_FORMAT_EXTENSIBLE sub-format 0x{sampleTag:X4} ({TagName(sampleTag)})",
        _ => $"format tag 0x{sampleTag:X4} ({TagName(sampleTag)})",
    };

    private static string TagName(ushort tag) => tag switch
    {
        0x0000 => "unknown",
        0x0002 => "Microsoft ADPCM",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG audio",
        0x0055 => "MPEG Layer III",
        0x0092 => "Dolby AC-3 SPDIF",
        0x00FF or 0x1600 or 0x1610 => "AAC",
        0xF1AC => "FLAC",
        _ => "not a PCM encoding",
    };

    private static string NotWavMessage(ReadOnlySpan<byte> start)
    {
        var form = start[..Math.Min(4, start.Length)];
        if (!MatchesSoFar(start, 0, "RIFF"u8) && !MatchesSoFar(start, 0, "RF64"u8))
            return $"not a WAV file: it starts with '{FourCc(form)}', where WAV needs 'RIFF' or 'RF64' at byte 0 and 'WAVE' at byte 8.";
        return $"not a WAV file: a RIFF '{FourCc(start[8..Math.Min(12, start.Length)])}' file, where WAV needs 'WAVE' at byte 8.";
    }

    /// <summary>A chunk id as text when printable ASCII, else as hex, so errors never carry control bytes.</summary>
    private static string FourCc(ReadOnlySpan<byte> id)
    {
        foreach (var b in id)
            if (b is < 0x20 or > 0x7E)
                return "0x" + Convert.ToHexString(id);
        return System.Text.Encoding.ASCII.GetString(id);
    }

    private static bool MatchesSoFar(ReadOnlySpan<byte> data, int offset, ReadOnlySpan<byte> expected)
    {
        if (data.Length <= offset)
            return true;
        var available = Math.Min(expected.Length, data.Length - offset);
        return data.Slice(offset, available).SequenceEqual(expected[..available]);
    }

    private static WavParseStatus Fail(out string? error, string message)
    {
        error = message;
        return WavParseStatus.Invalid;
    }
}
