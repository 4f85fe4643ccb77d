using System.Text;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Audio;

public sealed class WavHeaderReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "audiofunctions-wav-" + Guid.NewGuid().ToString("N"));

    public WavHeaderReaderTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // ---- Probe ----

    [Theory]
    [InlineData("RIFF")]
    [InlineData("RF64")]
    public void Probe_SaysWav_ForRiffOrRf64WithWave(string form)
    {
        var start = new WavBuilder(form).ToArray();

        Assert.Equal(WavProbe.Wav, WavHeaderReader.Probe(start));
        for (var length = 0; length < 12; length++)
            Assert.Equal(WavProbe.NeedMoreData, WavHeaderReader.Probe(start.AsSpan(0, length)));
    }

    [Theory]
    [InlineData("4f", "Ogg: differs at byte 0")]
    [InlineData("52494658", "RIFX (big-endian RIFF): differs at byte 3")]
    [InlineData("5258", "RX: differs at byte 1")]
    [InlineData("52463635", "RF65: differs at byte 3")]
    [InlineData("49443303", "ID3 tag of an MP3")]
    [InlineData("664c6143", "fLaC")]
    [InlineData("52494646ffffffff415649", "RIFF AVI: differs at byte 8")]
    [InlineData("00494646ffffffff57415645", "RIFF WAVE with the first byte zeroed")]
    public void Probe_SaysNotWav_AsSoonAsAByteDiffers(string hex, string because)
    {
        var start = Convert.FromHexString(hex);

        Assert.True(WavProbe.NotWav == WavHeaderReader.Probe(start), because);
    }

    // ---- Headers written by ffmpeg ----

    private sealed record FfmpegCase(PcmEncoding Encoding, int RateHz, int Channels, bool ToPipe, string[] OutputArgs, string[] ChunksBeforeData);

    private static readonly Dictionary<string, FfmpegCase> FfmpegCases = new()
    {
        ["s16 mono 44100 Hz, LIST"] = new(PcmEncoding.S16Le, 44_100, 1, false, [], ["fmt ", "LIST"]),
        ["s16 mono 44100 Hz, bitexact (no LIST)"] = new(PcmEncoding.S16Le, 44_100, 1, false, ["-fflags", "+bitexact", "-flags:a", "+bitexact"], ["fmt "]),
        ["s16 stereo 22050 Hz, bext and LIST"] = new(PcmEncoding.S16Le, 22_050, 2, false, ["-write_bext", "1", "-metadata", "title=abc"], ["fmt ", "bext", "LIST"]),
        ["s24 stereo 48000 Hz, extensible"] = new(PcmEncoding.S24Le, 48_000, 2, false, [], ["fmt ", "LIST"]),
        ["f32 mono 96000 Hz, extensible and fact"] = new(PcmEncoding.F32Le, 96_000, 1, false, [], ["fmt ", "fact", "LIST"]),
        ["f32 stereo 8000 Hz"] = new(PcmEncoding.F32Le, 8_000, 2, false, [], ["fmt ", "LIST"]),
        ["s16 stereo 44100 Hz, RF64"] = new(PcmEncoding.S16Le, 44_100, 2, false, ["-rf64", "always"], ["ds64", "fmt ", "LIST"]),
        ["s24 mono 192000 Hz, RF64"] = new(PcmEncoding.S24Le, 192_000, 1, false, ["-rf64", "always"], ["ds64", "fmt "]),
        ["s16 mono 44100 Hz, pipe"] = new(PcmEncoding.S16Le, 44_100, 1, true, [], ["fmt ", "LIST"]),
        ["s24 stereo 48000 Hz, pipe"] = new(PcmEncoding.S24Le, 48_000, 2, true, [], ["fmt "]),
        ["f32 stereo 44100 Hz, RF64 pipe"] = new(PcmEncoding.F32Le, 44_100, 2, true, ["-rf64", "always"], ["ds64", "fmt "]),
        ["s16 stereo 384000 Hz, pipe"] = new(PcmEncoding.S16Le, 384_000, 2, true, [], ["fmt "]),
    };

    public static TheoryData<string> FfmpegCaseNames => new(FfmpegCases.Keys);

    [Theory]
    [MemberData(nameof(FfmpegCaseNames))]
    public async Task TryParse_ReadsHeaderWrittenByFfmpeg(string name)
    {
        var test = FfmpegCases[name];
        var (wav, pcm) = await FfmpegWavAsync(test);

        Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(wav, out var header, out var error));
        Assert.Null(error);
        Assert.Equal(new StreamAudioFormat(test.Encoding, test.RateHz, test.Channels), header.Format);
        // The payload after the header is exactly what ffmpeg writes as raw PCM of the same signal.
        Assert.Equal(pcm, wav[header.HeaderBytes..]);
        Assert.Equal(test.ToPipe ? null : (long?)pcm.Length, header.DataBytes);
        var headerText = Encoding.ASCII.GetString(wav, 0, header.HeaderBytes);
        foreach (var chunk in test.ChunksBeforeData)
            Assert.Contains(chunk, headerText);
    }

    [Theory]
    [MemberData(nameof(FfmpegCaseNames))]
    public async Task TryParse_NeedsMoreData_ForEveryPrefixOfFfmpegHeader(string name)
    {
        var (wav, _) = await FfmpegWavAsync(FfmpegCases[name]);

        AssertEveryPrefixNeedsMoreData(wav);
    }

    // ---- Headers built chunk by chunk ----

    [Fact]
    public void TryParse_SkipsChunksInAnyOrder_HonouringPadBytes()
    {
        // Odd-sized chunks before and after fmt: reading them without their pad byte would land one byte short.
        var wav = new WavBuilder()
            .Chunk("JUNK", new byte[27])
            .Chunk("LIST", [.. "INFOISFT"u8, 5, 0, 0, 0, .. "abcd"u8, 0])
            .Fmt(WavBuilder.TagPcm, 2, 44_100, 16)
            .Chunk("bext", new byte[601])
            .Chunk("fact", [0x10, 0x27, 0, 0])
            .Data(40_000, [1, 2, 3, 4])
            .ToArray();

        Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(wav, out var header, out _));
        Assert.Equal(new WavHeader(new StreamAudioFormat(PcmEncoding.S16Le, 44_100, 2), wav.Length - 4, 40_000), header);
    }

    private static readonly Dictionary<string, (Func<byte[]> Build, WavHeader Expected)> ValidHeaders = new()
    {
        ["canonical s16 mono"] = (() => new WavBuilder().Fmt(WavBuilder.TagPcm, 1, 16_000, 16).Data(32_000).ToArray(),
            new(new(PcmEncoding.S16Le, 16_000, 1), 44, 32_000)),
        ["float tag 3 stereo, fmt with cbSize"] = (() => new WavBuilder().Chunk("fmt ", FmtWithCbSize()).Data(8).ToArray(),
            new(new(PcmEncoding.F32Le, 48_000, 2), 46, 8)),
        ["extensible s24 with 20 valid bits"] = (() => new WavBuilder().FmtExtensible(WavBuilder.TagPcm, 2, 96_000, 24, validBits: 20).Data(600).ToArray(),
            new(new(PcmEncoding.S24Le, 96_000, 2), 68, 600)),
        ["extensible float, valid bits 0"] = (() => new WavBuilder().FmtExtensible(WavBuilder.TagIeeeFloat, 1, 44_100, 32, validBits: 0).Data(400).ToArray(),
            new(new(PcmEncoding.F32Le, 44_100, 1), 68, 400)),
        ["odd chunks around fmt"] = (() => new WavBuilder().Chunk("JUNK", new byte[3]).Fmt(WavBuilder.TagPcm, 1, 8_000, 24).Chunk("cue ", new byte[5]).Data(9).ToArray(),
            new(new(PcmEncoding.S24Le, 8_000, 1), 70, 9)),
        ["RIFF data size 0: open"] = (() => new WavBuilder().Fmt(WavBuilder.TagPcm, 1, 44_100, 16).Data(0).ToArray(),
            new(new(PcmEncoding.S16Le, 44_100, 1), 44, null)),
        ["RIFF data size 0xFFFFFFFF: open"] = (() => new WavBuilder(riffSize: 0).Fmt(WavBuilder.TagPcm, 2, 44_100, 16).Data(0xFFFFFFFF).ToArray(),
            new(new(PcmEncoding.S16Le, 44_100, 2), 44, null)),
        ["RIFF data size 0xFFFFFFFE"] = (() => new WavBuilder().Fmt(WavBuilder.TagPcm, 2, 44_100, 16).Data(0xFFFFFFFE).ToArray(),
            new(new(PcmEncoding.S16Le, 44_100, 2), 44, 0xFFFFFFFE)),
        ["RF64 size in ds64"] = (() => new WavBuilder("RF64").Ds64(6_000_000_072, 6_000_000_000, 1_500_000_000).Fmt(WavBuilder.TagPcm, 2, 48_000, 16).Data(0xFFFFFFFF).ToArray(),
            new(new(PcmEncoding.S16Le, 48_000, 2), 80, 6_000_000_000)),
        ["RF64 ds64 with a table entry, after fmt"] = (() => new WavBuilder("RF64").Fmt(WavBuilder.TagIeeeFloat, 1, 48_000, 32).Ds64(1, 0x1_0000_0004, 0x4000_0001, size: 40).Data(0xFFFFFFFF).ToArray(),
            new(new(PcmEncoding.F32Le, 48_000, 1), 92, 0x1_0000_0004)),
        ["RF64 with a 32-bit data size"] = (() => new WavBuilder("RF64").Ds64(0, 0, 0).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(1_000).ToArray(),
            new(new(PcmEncoding.S16Le, 48_000, 1), 80, 1_000)),
        ["RF64 ds64 data size -1: open"] = (() => new WavBuilder("RF64").Ds64(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(0xFFFFFFFF).ToArray(),
            new(new(PcmEncoding.S16Le, 48_000, 1), 80, null)),
        ["RF64 ds64 data size 0: open"] = (() => new WavBuilder("RF64").Ds64(0, 0, 0).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(0xFFFFFFFF).ToArray(),
            new(new(PcmEncoding.S16Le, 48_000, 1), 80, null)),
        ["RF64 without ds64: open"] = (() => new WavBuilder("RF64").Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(0xFFFFFFFF).ToArray(),
            new(new(PcmEncoding.S16Le, 48_000, 1), 44, null)),
        ["ds64 in a RIFF file is an ordinary chunk"] = (() => new WavBuilder().Ds64(1, 5_000, 1).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(0xFFFFFFFF).ToArray(),
            new(new(PcmEncoding.S16Le, 48_000, 1), 80, null)),
        ["data chunk payload starting at the limit"] = (() => new WavBuilder().Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Chunk("JUNK", new byte[WavHeaderReader.MaxHeaderBytes - 44 - 8]).Data(2).ToArray(),
            new(new(PcmEncoding.S16Le, 48_000, 1), WavHeaderReader.MaxHeaderBytes, 2)),
    };

    public static TheoryData<string> ValidHeaderNames => new(ValidHeaders.Keys);

    [Theory]
    [MemberData(nameof(ValidHeaderNames))]
    public void TryParse_ReadsBuiltHeader(string name)
    {
        var (build, expected) = ValidHeaders[name];
        var wav = build();

        Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(wav, out var header, out var error));
        Assert.Null(error);
        Assert.Equal(expected, header);
    }

    [Theory]
    [MemberData(nameof(ValidHeaderNames))]
    public void TryParse_NeedsMoreData_ForEveryPrefixOfBuiltHeader(string name)
    {
        var wav = ValidHeaders[name].Build();

        AssertEveryPrefixNeedsMoreData(wav);
    }

    // ---- Invalid and unsupported ----

    private static readonly Dictionary<string, (Func<byte[]> Build, string[] Expected)> InvalidHeaders = new()
    {
        ["Ogg"] = (() => [.. "OggS"u8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0], ["not a WAV file", "'OggS'", "'RIFF' or 'RF64'"]),
        ["binary start"] = (() => [0x00, 0x01, 0x02, 0x03], ["not a WAV file", "0x00010203"]),
        ["RIFF AVI"] = (() => new WavBuilder(type: "AVI ").ToArray(), ["not a WAV file", "'AVI '", "'WAVE'"]),
        ["8-bit PCM"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 1, 8_000, 8)), ["8-bit integer PCM", "16-bit or 24-bit integer PCM"]),
        ["32-bit integer PCM"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 2, 48_000, 32)), ["32-bit integer PCM", "32-bit IEEE float"]),
        ["64-bit float"] = (() => Header(b => b.Fmt(WavBuilder.TagIeeeFloat, 1, 48_000, 64)), ["64-bit IEEE float", "32-bit IEEE float (format tag 3)"]),
        ["A-law"] = (() => Header(b => b.Fmt(0x0006, 1, 8_000, 8)), ["format tag 0x0006 (A-law)", "supported are"]),
        ["mu-law"] = (() => Header(b => b.Fmt(0x0007, 1, 8_000, 8)), ["format tag 0x0007 (mu-law)", "supported are"]),
        ["Microsoft ADPCM"] = (() => Header(b => b.Fmt(0x0002, 1, 22_050, 4, blockAlign: 256)), ["format tag 0x0002 (Microsoft ADPCM)", "integer PCM"]),
        ["IMA ADPCM"] = (() => Header(b => b.Fmt(0x0011, 2, 44_100, 4, blockAlign: 2048)), ["format tag 0x0011 (IMA ADPCM)"]),
        ["MP3 in WAV"] = (() => Header(b => b.Fmt(0x0055, 2, 44_100, 0, blockAlign: 1)), ["format tag 0x0055 (MPEG Layer III)"]),
        ["extensible A-law"] = (() => Header(b => b.FmtExtensible(0x0006, 1, 8_000, 8)), ["WAVE_FORMAT_EXTENSIBLE sub-format 0x0006 (A-law)", "PCM or IEEE float sub-format"]),
        ["extensible foreign sub-format"] = (() => Header(b => b.FmtExtensible(0, 2, 48_000, 16, subFormat: new Guid("00000001-0721-11d3-8644-c0b14f3bbd6c"))),
            ["sub-format 00000001-0721-11d3-8644-c0b14f3bbd6c", "PCM or IEEE float sub-format"]),
        ["extensible 32-bit integer"] = (() => Header(b => b.FmtExtensible(WavBuilder.TagPcm, 2, 48_000, 32)), ["32-bit integer PCM", "16-bit or 24-bit"]),
        ["extensible 8-bit"] = (() => Header(b => b.FmtExtensible(WavBuilder.TagPcm, 1, 8_000, 8)), ["8-bit integer PCM"]),
        ["extensible float with 24 valid bits"] = (() => Header(b => b.FmtExtensible(WavBuilder.TagIeeeFloat, 1, 48_000, 32, validBits: 24)), ["24 valid bits in 32-bit samples"]),
        ["extensible 16-bit with 20 valid bits"] = (() => Header(b => b.FmtExtensible(WavBuilder.TagPcm, 1, 48_000, 16, validBits: 20)), ["20 valid bits in 16-bit samples"]),
        ["extensible fmt of 18 bytes"] = (() => Header(b => b.FmtExtensible(WavBuilder.TagPcm, 1, 48_000, 16, size: 18)), ["WAVE_FORMAT_EXTENSIBLE but has 18 bytes", "needs 40"]),
        ["extensible with cbSize 0"] = (() => Header(b => b.FmtExtensible(WavBuilder.TagPcm, 1, 48_000, 16, extraBytes: 0)), ["cbSize is 0", "needs 22"]),
        ["3 channels"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 3, 48_000, 16)), ["channel count 3", "1 (mono) and 2 (stereo)"]),
        ["6 channels, extensible"] = (() => Header(b => b.FmtExtensible(WavBuilder.TagIeeeFloat, 6, 48_000, 32)), ["channel count 6", "1 (mono) and 2 (stereo)"]),
        ["0 channels"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 0, 48_000, 16)), ["channel count 0", "1 (mono) and 2 (stereo)"]),
        ["rate 0"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 1, 0, 16)), ["sample rate 0 Hz", "1 to 384000 Hz"]),
        ["rate 768000"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 2, 768_000, 16)), ["sample rate 768000 Hz", "1 to 384000 Hz"]),
        ["block align too small"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 2, 44_100, 16, blockAlign: 2)), ["block align is 2 bytes", "2 channel(s) of 16-bit samples take 4 bytes"]),
        ["24-bit in 4-byte frames"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 1, 48_000, 24, blockAlign: 4)), ["block align is 4 bytes", "take 3 bytes per frame"]),
        ["fmt of 14 bytes"] = (() => Header(b => b.RawChunk("fmt ", 14, new byte[14])), ["fmt chunk has 14 bytes", "at least 16"]),
        ["two fmt chunks"] = (() => Header(b => b.Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Fmt(WavBuilder.TagPcm, 2, 44_100, 16)), ["two fmt chunks"]),
        ["data before fmt"] = (() => new WavBuilder().Data(100).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).ToArray(), ["data chunk comes before any fmt chunk"]),
        ["no fmt at all"] = (() => new WavBuilder().Chunk("LIST", new byte[26]).Data(0xFFFFFFFF).ToArray(), ["data chunk comes before any fmt chunk"]),
        ["ds64 of 16 bytes"] = (() => new WavBuilder("RF64").Ds64(0, 0, 0, size: 16).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(0xFFFFFFFF).ToArray(), ["ds64 chunk has 16 bytes", "at least 24"]),
        ["two ds64 chunks"] = (() => new WavBuilder("RF64").Ds64(0, 8, 0).Ds64(0, 16, 0).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(0xFFFFFFFF).ToArray(), ["two ds64 chunks"]),
        ["ds64 data size above 2^63"] = (() => new WavBuilder("RF64").Ds64(0, 0x8000_0000_0000_0000, 0).Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Data(0xFFFFFFFF).ToArray(),
            ["9223372036854775808 data bytes", "at most 9223372036854775807"]),
        ["data chunk past the limit"] = (() => new WavBuilder().Fmt(WavBuilder.TagPcm, 1, 48_000, 16).Chunk("JUNK", new byte[WavHeaderReader.MaxHeaderBytes - 44 - 6]).Data(2).ToArray(),
            ["does not start within the first 65536 bytes", "chunk 'JUNK' at byte 36 declares 65486 bytes"]),
        ["huge chunk, only its header arrived"] = (() => new WavBuilder().Fmt(WavBuilder.TagPcm, 1, 48_000, 16).RawChunk("LIST", 0xFFFFFFF0).ToArray(),
            ["does not start within the first 65536 bytes", "chunk 'LIST' at byte 36 declares 4294967280 bytes"]),
        ["huge fmt chunk"] = (() => new WavBuilder().RawChunk("fmt ", 1_000_000, new byte[16]).ToArray(), ["does not start within the first 65536 bytes", "'fmt '"]),
        ["unprintable chunk id past the limit"] = (() => new WavBuilder().Chunk("\u0001\u0002\u0003\u0004", new byte[70_000]).ToArray(), ["chunk '0x01020304' at byte 12"]),
    };

    public static TheoryData<string> InvalidHeaderNames => new(InvalidHeaders.Keys);

    [Theory]
    [MemberData(nameof(InvalidHeaderNames))]
    public void TryParse_RejectsWithMessageNamingFoundAndSupported(string name)
    {
        var (build, expected) = InvalidHeaders[name];

        Assert.Equal(WavParseStatus.Invalid, WavHeaderReader.TryParse(build(), out var header, out var error));
        Assert.Equal(default, header);
        Assert.NotNull(error);
        foreach (var part in expected)
            Assert.Contains(part, error);
    }

    [Fact]
    public void TryParse_AllocatesNothing_WhenCompleteOrWaiting()
    {
        var wav = new WavBuilder("RF64").Ds64(1, 6_000_000_000, 1).Chunk("LIST", new byte[27])
            .FmtExtensible(WavBuilder.TagPcm, 2, 48_000, 24).Data(0xFFFFFFFF).ToArray();
        WavHeaderReader.TryParse(wav, out _, out _);
        WavHeaderReader.TryParse(wav.AsSpan(0, 100), out _, out _);

        var complete = 0;
        var waiting = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            if (WavHeaderReader.TryParse(wav, out _, out _) == WavParseStatus.Complete)
                complete++;
            if (WavHeaderReader.TryParse(wav.AsSpan(0, 100), out _, out _) == WavParseStatus.NeedMoreData)
                waiting++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((100, 100), (complete, waiting));
        Assert.Equal(0, allocated);
    }

    /// <summary>Feeds every prefix of a complete header: each must wait for more, and the whole header must give the same result as the full input.</summary>
    private static void AssertEveryPrefixNeedsMoreData(byte[] wav)
    {
        Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(wav, out var full, out _));
        for (var length = 0; length < full.HeaderBytes; length++)
        {
            var status = WavHeaderReader.TryParse(wav.AsSpan(0, length), out _, out var error);
            Assert.True(status == WavParseStatus.NeedMoreData, $"prefix of {length} bytes: {status} {error}");
            Assert.NotEqual(WavProbe.NotWav, WavHeaderReader.Probe(wav.AsSpan(0, length)));
        }
        Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(wav.AsSpan(0, full.HeaderBytes), out var exact, out _));
        Assert.Equal(full, exact);
    }

    private static byte[] Header(Func<WavBuilder, WavBuilder> chunks) => chunks(new WavBuilder()).Data(1_000).ToArray();

    /// <summary>A plain float fmt chunk with the cbSize field (18 bytes), as WAVEFORMATEX writers emit it.</summary>
    private static byte[] FmtWithCbSize() =>
        Convert.FromHexString("0300" + "0200" + "80bb0000" + "00dc0500" + "0800" + "2000" + "0000");

    /// <summary>Has ffmpeg encode 0.1 s of a 440 Hz sine as WAV (to a file, or to a pipe it cannot seek back in) and as raw PCM.</summary>
    private async Task<(byte[] Wav, byte[] Pcm)> FfmpegWavAsync(FfmpegCase test)
    {
        var codec = test.Encoding switch
        {
            PcmEncoding.S16Le => "s16le",
            PcmEncoding.S24Le => "s24le",
            _ => "f32le",
        };
        string[] source =
        [
            "-v", "error", "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate={test.RateHz}", "-t", "0.1",
            "-ac", test.Channels.ToString(), "-c:a", "pcm_" + codec,
        ];
        var pcm = await FfmpegTool.RunAsync("ffmpeg", [.. source, "-f", codec, "pipe:1"]);
        byte[] wav;
        if (test.ToPipe)
        {
            wav = await FfmpegTool.RunAsync("ffmpeg", [.. source, .. test.OutputArgs, "-f", "wav", "pipe:1"]);
        }
        else
        {
            var path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".wav");
            await FfmpegTool.RunAsync("ffmpeg", [.. source, .. test.OutputArgs, "-f", "wav", "-y", path]);
            wav = await File.ReadAllBytesAsync(path);
        }
        Assert.NotEmpty(pcm);
        return (wav, pcm);
    }
}
