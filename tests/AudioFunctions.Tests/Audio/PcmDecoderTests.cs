using System.Buffers.Binary;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Audio;

public sealed class PcmDecoderTests
{
    private static readonly StreamAudioFormat S16Mono = new(PcmEncoding.S16Le, 44_100, 1);
    private static readonly StreamAudioFormat S16Stereo = new(PcmEncoding.S16Le, 44_100, 2);
    private static readonly StreamAudioFormat S24Mono = new(PcmEncoding.S24Le, 48_000, 1);
    private static readonly StreamAudioFormat S24Stereo = new(PcmEncoding.S24Le, 48_000, 2);
    private static readonly StreamAudioFormat F32Mono = new(PcmEncoding.F32Le, 48_000, 1);
    private static readonly StreamAudioFormat F32Stereo = new(PcmEncoding.F32Le, 48_000, 2);

    [Fact]
    public void DecodeToMono_ScalesS16ByFullScale_Mono()
    {
        short[] samples = [0, 1, -1, 16384, -16384, short.MaxValue, short.MinValue];
        float[] expected = [0f, 1f / 32768, -1f / 32768, 0.5f, -0.5f, 0.999969482421875f, -1f];

        Assert.Equal(expected, Decode(S16Bytes(samples), S16Mono, out var replaced));
        Assert.Equal(0, replaced);
    }

    [Fact]
    public void DecodeToMono_AveragesS16Channels_Stereo()
    {
        short[] samples = [short.MaxValue, short.MinValue, short.MinValue, short.MinValue, short.MaxValue, short.MaxValue, 100, 200, -3, 0];
        float[] expected = [-1f / 65536, -1f, 0.999969482421875f, 150f / 32768, -3f / 65536];

        Assert.Equal(expected, Decode(S16Bytes(samples), S16Stereo, out _));
    }

    [Fact]
    public void DecodeToMono_SignExtendsS24_Mono()
    {
        byte[] pcm = [0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00];
        float[] expected = [8_388_607f / 8_388_608, -1f, -1f / 8_388_608, 1f / 8_388_608, -0.5f, 0f];

        Assert.Equal(expected, Decode(pcm, S24Mono, out var replaced));
        Assert.Equal(0, replaced);
    }

    [Fact]
    public void DecodeToMono_AveragesS24Channels_Stereo()
    {
        // (−1 + 0.5) / 2 = −0.25; (max + max) / 2 = max; (−1 + −1/2²³) / 2.
        byte[] pcm = [0x00, 0x00, 0x80, 0x00, 0x00, 0x40, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF];
        float[] expected = [-0.25f, 8_388_607f / 8_388_608, -8_388_609f / 16_777_216];

        Assert.Equal(expected, Decode(pcm, S24Stereo, out _));
    }

    [Fact]
    public void DecodeToMono_CopiesF32_Mono()
    {
        float[] samples = [0f, -0.25f, 0.999f, -1f, 1e-30f, 0.5f, -0.125f, 0.75f, 0.1f, -0.3f, 0.7f];

        Assert.Equal(samples, Decode(F32Bytes(samples), F32Mono, out var replaced));
        Assert.Equal(0, replaced);
    }

    [Fact]
    public void DecodeToMono_ReplacesAndCountsNonFiniteF32_Mono()
    {
        // NaN, +∞ and −∞ both in the vectorized body (first 8) and in the scalar tail.
        float[] samples = [0.5f, float.NaN, 0.25f, float.PositiveInfinity, -0.5f, float.NegativeInfinity, 0.1f, 0.2f, float.NaN, 0.3f, float.PositiveInfinity];
        float[] expected = [0.5f, 0f, 0.25f, 0f, -0.5f, 0f, 0.1f, 0.2f, 0f, 0.3f, 0f];

        Assert.Equal(expected, Decode(F32Bytes(samples), F32Mono, out var replaced));
        Assert.Equal(5, replaced);
    }

    [Fact]
    public void DecodeToMono_KeepsOtherChannelOfNonFiniteF32_Stereo()
    {
        float[] samples =
        [
            float.NaN, 0.5f, 0.25f, 0.75f, float.NegativeInfinity, float.PositiveInfinity, -1f, 0.5f,
            0.1f, float.NaN,
        ];
        float[] expected = [0.25f, 0.5f, 0f, -0.25f, 0.05f];

        Assert.Equal(expected, Decode(F32Bytes(samples), F32Stereo, out var replaced));
        Assert.Equal(4, replaced);
    }

    [Theory]
    [InlineData(PcmEncoding.S16Le, 1)]
    [InlineData(PcmEncoding.S16Le, 2)]
    [InlineData(PcmEncoding.S24Le, 1)]
    [InlineData(PcmEncoding.S24Le, 2)]
    [InlineData(PcmEncoding.F32Le, 1)]
    [InlineData(PcmEncoding.F32Le, 2)]
    public void DecodeToMono_MatchesScalarFormula_ForRandomFramesOfEveryLength(PcmEncoding encoding, int channels)
    {
        // Lengths around the vector widths exercise the vectorized body, the scalar tail and both.
        var format = new StreamAudioFormat(encoding, 48_000, channels);
        var random = new Random(17 * channels + (int)encoding);
        for (var frames = 0; frames <= 70; frames++)
        {
            var pcm = new byte[frames * format.BytesPerFrame];
            random.NextBytes(pcm);
            if (encoding == PcmEncoding.F32Le)
                for (var i = 0; i < pcm.Length; i += 4)
                    BinaryPrimitives.WriteSingleLittleEndian(pcm.AsSpan(i), (float)(random.NextDouble() * 2 - 1));

            var decoded = Decode(pcm, format, out _);

            Assert.Equal(frames, decoded.Length);
            for (var f = 0; f < frames; f++)
                Assert.Equal(ReferenceSample(pcm.AsSpan(f * format.BytesPerFrame, format.BytesPerFrame), format), decoded[f]);
        }
    }

    [Theory]
    [InlineData(PcmEncoding.S16Le, 2, 5)]
    [InlineData(PcmEncoding.S16Le, 1, 3)]
    [InlineData(PcmEncoding.S24Le, 1, 4)]
    [InlineData(PcmEncoding.S24Le, 2, 9)]
    [InlineData(PcmEncoding.F32Le, 2, 12)]
    public void DecodeToMono_Throws_WhenBytesAreNotWholeFrames(PcmEncoding encoding, int channels, int bytes)
    {
        var format = new StreamAudioFormat(encoding, 48_000, channels);

        Assert.Throws<ArgumentException>(() => PcmDecoder.DecodeToMono(new byte[bytes], format, new float[bytes]));
    }

    [Fact]
    public void DecodeToMono_Throws_WhenOutputIsShorterThanTheFrames()
    {
        Assert.Throws<ArgumentException>(() => PcmDecoder.DecodeToMono(new byte[40], S16Stereo, new float[9]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void DecodeToMono_Throws_ForUnsupportedChannelCounts(int channels)
    {
        var format = new StreamAudioFormat(PcmEncoding.S16Le, 48_000, channels);

        Assert.Throws<ArgumentException>(() => PcmDecoder.DecodeToMono(new byte[12], format, new float[12]));
    }

    [Theory]
    [InlineData(PcmEncoding.S16Le, 1, 600, 300)]
    [InlineData(PcmEncoding.S16Le, 2, 600, 150)]
    [InlineData(PcmEncoding.S24Le, 2, 605, 100)]
    [InlineData(PcmEncoding.S24Le, 1, 5, 1)]
    [InlineData(PcmEncoding.F32Le, 2, 7, 0)]
    public void MonoSamplesIn_CountsWholeFrames(PcmEncoding encoding, int channels, int bytes, int expected)
    {
        Assert.Equal(expected, PcmDecoder.MonoSamplesIn(bytes, new StreamAudioFormat(encoding, 44_100, channels)));
    }

    [Fact]
    public void DecodeToMono_GivesTheSineOfTestSignals_S16Stereo()
    {
        // TestSignals puts 440 Hz on the left and 880 Hz on the right at 0.5 of full scale: the mix is
        // their average, 0.25 · (sin 440 + sin 880), to within s16 quantization (2⁻¹⁵).
        var pcm = TestSignals.Sine(S16Stereo, 0.1);
        var decoded = Decode(pcm, S16Stereo, out _);

        for (var n = 0; n < decoded.Length; n++)
        {
            var t = 2 * Math.PI * n / S16Stereo.SampleRateHz;
            Assert.InRange(decoded[n] - 0.25 * (Math.Sin(440 * t) + Math.Sin(880 * t)), -1.0 / 32768, 1.0 / 32768);
        }
    }

    private static float[] Decode(byte[] pcm, StreamAudioFormat format, out int replaced)
    {
        var mono = new float[PcmDecoder.MonoSamplesIn(pcm.Length, format)];
        replaced = PcmDecoder.DecodeToMono(pcm, format, mono);
        return mono;
    }

    /// <summary>The decoding rule written out per sample, in double: mean of channels over full scale.</summary>
    private static float ReferenceSample(ReadOnlySpan<byte> frame, StreamAudioFormat format)
    {
        var sum = 0.0;
        var width = format.Encoding.BytesPerSample();
        for (var c = 0; c < format.Channels; c++)
        {
            var sample = frame.Slice(c * width, width);
            sum += format.Encoding switch
            {
                PcmEncoding.S16Le => BinaryPrimitives.ReadInt16LittleEndian(sample) / 32768.0,
                PcmEncoding.S24Le => ((sample[0] | sample[1] << 8 | sample[2] << 16) << 8 >> 8) / 8_388_608.0,
                _ => BinaryPrimitives.ReadSingleLittleEndian(sample),
            };
        }
        return (float)(sum / format.Channels);
    }

    private static byte[] S16Bytes(short[] samples)
    {
        var pcm = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), samples[i]);
        return pcm;
    }

    private static byte[] F32Bytes(float[] samples)
    {
        var pcm = new byte[samples.Length * 4];
        for (var i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(pcm.AsSpan(4 * i), samples[i]);
        return pcm;
    }
}
