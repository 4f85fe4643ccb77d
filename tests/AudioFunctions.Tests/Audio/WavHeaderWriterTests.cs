using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Audio;

public sealed class WavHeaderWriterTests : IDisposable
{
    private static readonly int[] RatesHz =
        [1, 8_000, 11_025, 16_000, 22_050, 32_000, 44_100, 48_000, 88_200, 96_000, 176_400, 192_000, 352_800, 384_000];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "audiofunctions-wav-" + Guid.NewGuid().ToString("N"));

    public WavHeaderWriterTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // ---- Layout ----

    [Theory]
    // "RIFF" size "WAVE" | "fmt " 16 tag channels rate byte-rate block-align bits | "data" size
    [InlineData(PcmEncoding.S16Le, 44_100, 1, 88_200L,
        "52494646 ac580100 57415645 666d7420 10000000 0100 0100 44ac0000 88580100 0200 1000 64617461 88580100")]
    [InlineData(PcmEncoding.F32Le, 48_000, 2, 384_000L,
        "52494646 24dc0500 57415645 666d7420 10000000 0300 0200 80bb0000 00dc0500 0800 2000 64617461 00dc0500")]
    // Odd data: the data size is exact, the RIFF size counts the pad byte (36 + 3 + 1).
    [InlineData(PcmEncoding.S24Le, 96_000, 2, 3L,
        "52494646 28000000 57415645 666d7420 10000000 0100 0200 00770100 00ca0800 0600 1800 64617461 03000000")]
    public void Write_LaysOutCanonicalRiffHeader(PcmEncoding encoding, int rateHz, int channels, long dataBytes, string expectedHex)
    {
        var header = new byte[44];

        var written = WavHeaderWriter.Write(new StreamAudioFormat(encoding, rateHz, channels), dataBytes, header);

        Assert.Equal(44, written);
        Assert.Equal(Hex(expectedHex), Convert.ToHexStringLower(header));
    }

    [Theory]
    // "RF64" -1 "WAVE" | "ds64" 28 riff-size data-size frames table-length | fmt chunk | "data" -1
    [InlineData(PcmEncoding.S16Le, 48_000, 2, 6_000_000_000L,
        "52463634 ffffffff 57415645 64733634 1c000000 48bca06501000000 00bca06501000000 002f685900000000 00000000 " +
        "666d7420 10000000 0100 0200 80bb0000 00ee0200 0400 1000 64617461 ffffffff")]
    // Odd data: the RIFF size counts the pad byte (72 + 4294967297 + 1).
    [InlineData(PcmEncoding.S24Le, 8_000, 1, 4_294_967_297L,
        "52463634 ffffffff 57415645 64733634 1c000000 4a00000001000000 0100000001000000 5555555500000000 00000000 " +
        "666d7420 10000000 0100 0100 401f0000 c05d0000 0300 1800 64617461 ffffffff")]
    public void Write_LaysOutRf64HeaderWithDs64(PcmEncoding encoding, int rateHz, int channels, long dataBytes, string expectedHex)
    {
        var header = new byte[80];

        var written = WavHeaderWriter.Write(new StreamAudioFormat(encoding, rateHz, channels), dataBytes, header);

        Assert.Equal(80, written);
        Assert.Equal(Hex(expectedHex), Convert.ToHexStringLower(header));
    }

    [Theory]
    [InlineData(0L, 44)]
    [InlineData(1L, 44)]
    [InlineData(1_000_000L, 44)]
    [InlineData(4_294_967_258L, 44)] // RIFF size 36 + data = 0xFFFFFFFE, the largest that is not "unknown"
    [InlineData(4_294_967_259L, 80)] // odd: 36 + data + pad = 2^32
    [InlineData(4_294_967_260L, 80)]
    [InlineData(5_368_709_120L, 80)]
    [InlineData(long.MaxValue - 1, 80)]
    [InlineData(long.MaxValue, 80)]
    public void HeaderBytes_TurnsRf64WhereTheRiffSizeStopsFitting32Bits(long dataBytes, int expected)
    {
        Assert.Equal(expected, WavHeaderWriter.HeaderBytes(dataBytes));

        var header = new byte[expected + 16];
        Array.Fill(header, (byte)0xAA);
        Assert.Equal(expected, WavHeaderWriter.Write(new StreamAudioFormat(PcmEncoding.S16Le, 48_000, 2), dataBytes, header));
        // Nothing written past the header; the RIFF size never says "unknown".
        Assert.All(header[expected..], b => Assert.Equal(0xAA, b));
        if (expected == 44)
            Assert.NotEqual(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)));
    }

    [Theory]
    [InlineData(PcmEncoding.S16Le, 48_000, 0, 0L, 44, "format")]
    [InlineData(PcmEncoding.S16Le, 48_000, 3, 0L, 44, "format")]
    [InlineData(PcmEncoding.S16Le, 0, 1, 0L, 44, "format")]
    [InlineData(PcmEncoding.F32Le, 384_001, 1, 0L, 44, "format")]
    [InlineData((PcmEncoding)99, 48_000, 1, 0L, 44, "format")]
    [InlineData(PcmEncoding.S24Le, 48_000, 1, -1L, 44, "dataBytes")]
    [InlineData(PcmEncoding.S24Le, 48_000, 1, 100L, 43, "destination")]
    [InlineData(PcmEncoding.S24Le, 48_000, 1, 5_000_000_000L, 79, "destination")]
    public void Write_Rejects_BadFormatLengthOrDestination(PcmEncoding encoding, int rateHz, int channels, long dataBytes, int destinationBytes, string parameter)
    {
        var destination = new byte[destinationBytes];

        var error = Assert.ThrowsAny<ArgumentException>(() =>
            WavHeaderWriter.Write(new StreamAudioFormat(encoding, rateHz, channels), dataBytes, destination));

        Assert.Equal(parameter, error.ParamName);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    // ---- Round trip through the reader ----

    public static TheoryData<PcmEncoding, int> EncodingsAndChannels => new()
    {
        { PcmEncoding.S16Le, 1 }, { PcmEncoding.S16Le, 2 },
        { PcmEncoding.S24Le, 1 }, { PcmEncoding.S24Le, 2 },
        { PcmEncoding.F32Le, 1 }, { PcmEncoding.F32Le, 2 },
    };

    [Theory]
    [MemberData(nameof(EncodingsAndChannels))]
    public void Reader_ReadsWhatWriterWrote_ForEveryRateAndLength(PcmEncoding encoding, int channels)
    {
        Span<byte> header = stackalloc byte[80];
        foreach (var rateHz in RatesHz)
        {
            var format = new StreamAudioFormat(encoding, rateHz, channels);
            foreach (var dataBytes in new[] { 1L, 1_001L, format.BytesPerFrame * (long)rateHz, 4_294_967_258L, 4_294_967_259L, 6_000_000_000L, long.MaxValue })
            {
                var written = WavHeaderWriter.Write(format, dataBytes, header);

                Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(header[..written], out var read, out var error));
                Assert.Null(error);
                Assert.Equal(new WavHeader(format, written, dataBytes), read);
            }

            // 0 bytes is what streaming writers put for "unknown": it reads back open, which with no audio following is the same.
            var empty = WavHeaderWriter.Write(format, 0, header);
            Assert.Equal(WavParseStatus.Complete, WavHeaderReader.TryParse(header[..empty], out var open, out _));
            Assert.Equal(new WavHeader(format, 44, null), open);
        }
    }

    // ---- Judged by ffprobe and ffmpeg ----

    [Theory]
    [InlineData(PcmEncoding.S16Le, 48_000, 2, 1_500_000_000L)]
    [InlineData(PcmEncoding.S24Le, 96_000, 1, 1_500_000_001L)] // odd data length: a pad byte follows
    [InlineData(PcmEncoding.F32Le, 44_100, 2, 600_000_000L)]
    public async Task Ffprobe_ReadsRf64Header_OfSparseFileAbove4GiB(PcmEncoding encoding, int rateHz, int channels, long frames)
    {
        var format = new StreamAudioFormat(encoding, rateHz, channels);
        var dataBytes = frames * format.BytesPerFrame;
        Assert.True(dataBytes > uint.MaxValue);
        var header = new byte[WavHeaderWriter.HeaderBytes(dataBytes)];
        Assert.Equal(80, WavHeaderWriter.Write(format, dataBytes, header));
        var path = Path.Combine(_root, "long.wav");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(header);
            // Data, pad byte, then one second of bytes past the RIFF size: the file's length alone would
            // give a second too much, so the duration ffprobe reports can only come from the header's sizes.
            file.SetLength(header.Length + dataBytes + (dataBytes & 1) + (long)rateHz * format.BytesPerFrame);
        }

        var probe = await ProbeAsync(path);

        Assert.Equal(("pcm_" + encoding.ToString().ToLowerInvariant(), rateHz, channels), (probe.Codec, probe.RateHz, probe.Channels));
        Assert.Equal((double)frames / rateHz, probe.DurationSeconds, 5e-6);
    }

    [Theory]
    [InlineData(PcmEncoding.S16Le, 44_100, 1, 11_025)]
    [InlineData(PcmEncoding.S16Le, 22_050, 2, 2_205)]
    [InlineData(PcmEncoding.S24Le, 44_100, 1, 4_411)] // odd data length: a pad byte follows
    [InlineData(PcmEncoding.S24Le, 48_000, 2, 4_800)]
    [InlineData(PcmEncoding.F32Le, 96_000, 2, 9_600)]
    [InlineData(PcmEncoding.F32Le, 8_000, 1, 800)]
    public async Task Ffmpeg_DecodesRiffFileWithRealAudio_ToTheSamePcm(PcmEncoding encoding, int rateHz, int channels, int frames)
    {
        var format = new StreamAudioFormat(encoding, rateHz, channels);
        var pcm = TestSignals.Sine(format, (double)frames / rateHz);
        Assert.Equal(frames * format.BytesPerFrame, pcm.Length);
        var header = new byte[WavHeaderWriter.HeaderBytes(pcm.Length)];
        Assert.Equal(44, WavHeaderWriter.Write(format, pcm.Length, header));
        var path = Path.Combine(_root, "short.wav");
        await File.WriteAllBytesAsync(path, [.. header, .. pcm, .. new byte[pcm.Length & 1]]);

        var probe = await ProbeAsync(path);
        var raw = encoding.ToString().ToLowerInvariant();
        var decoded = await FfmpegTool.RunAsync("ffmpeg", ["-v", "error", "-i", path, "-c:a", "pcm_" + raw, "-f", raw, "pipe:1"]);

        Assert.Equal(("pcm_" + raw, rateHz, channels), (probe.Codec, probe.RateHz, probe.Channels));
        Assert.Equal((double)frames / rateHz, probe.DurationSeconds, 2e-6);
        Assert.Equal(pcm, decoded);
    }

    private sealed record Probe(string Codec, int RateHz, int Channels, double DurationSeconds);

    private static async Task<Probe> ProbeAsync(string path)
    {
        var json = await FfmpegTool.RunAsync("ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels:format=duration", "-of", "json", path]);
        using var document = JsonDocument.Parse(json);
        var stream = Assert.Single(document.RootElement.GetProperty("streams").EnumerateArray());
        return new Probe(
            stream.GetProperty("codec_name").GetString()!,
            int.Parse(stream.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture),
            stream.GetProperty("channels").GetInt32(),
            double.Parse(document.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture));
    }

    private static string Hex(string spaced) => spaced.Replace(" ", "", StringComparison.Ordinal);
}
