using System.Buffers.Binary;
using AudioFunctions.Audio;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>Test audio, generated: sines in any PCM encoding, and ways to cut it into frames.</summary>
public static class TestSignals
{
    /// <summary>
    /// Interleaved PCM of a sine at <paramref name="frequencyHz"/> (channel c at frequency × (c+1)),
    /// amplitude 0.5 of full scale.
    /// </summary>
    public static byte[] Sine(StreamAudioFormat format, double seconds, double frequencyHz = 440)
    {
        var frames = (int)Math.Round(seconds * format.SampleRateHz);
        var bytesPerSample = format.Encoding.BytesPerSample();
        var pcm = new byte[frames * format.BytesPerFrame];
        var offset = 0;
        for (var i = 0; i < frames; i++)
        {
            for (var c = 0; c < format.Channels; c++)
            {
                var value = 0.5 * Math.Sin(2 * Math.PI * frequencyHz * (c + 1) * i / format.SampleRateHz);
                WriteSample(format.Encoding, value, pcm.AsSpan(offset, bytesPerSample));
                offset += bytesPerSample;
            }
        }
        return pcm;
    }

    /// <summary>
    /// Cuts <paramref name="data"/> into pieces of pseudo-random odd sizes (1 to
    /// <paramref name="maxPiece"/> bytes) that ignore sample and channel boundaries.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<byte>> OddPieces(byte[] data, int seed, int maxPiece)
    {
        var random = new Random(seed);
        for (var offset = 0; offset < data.Length;)
        {
            var size = Math.Min(random.Next(1, maxPiece / 2) * 2 + 1, data.Length - offset);
            yield return data.AsMemory(offset, size);
            offset += size;
        }
    }

    private static void WriteSample(PcmEncoding encoding, double value, Span<byte> destination)
    {
        switch (encoding)
        {
            case PcmEncoding.S16Le:
                BinaryPrimitives.WriteInt16LittleEndian(destination, (short)Math.Round(value * short.MaxValue));
                break;
            case PcmEncoding.S24Le:
                var s24 = (int)Math.Round(value * 8_388_607);
                destination[0] = (byte)s24;
                destination[1] = (byte)(s24 >> 8);
                destination[2] = (byte)(s24 >> 16);
                break;
            case PcmEncoding.F32Le:
                BinaryPrimitives.WriteSingleLittleEndian(destination, (float)value);
                break;
        }
    }
}
