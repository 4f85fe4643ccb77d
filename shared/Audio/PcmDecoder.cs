using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioFunctions.Audio;

/// <summary>
/// Turns interleaved PCM sample frames into mono floats in [-1, 1): integers divided by their full
/// scale (2¹⁵ or 2²³), channels averaged. Non-finite float samples become silence, so one bad sample
/// cannot poison a resampler's filter history or an embedding.
/// </summary>
public static class PcmDecoder
{
    // Stereo integer frames are summed exactly in int and scaled once: (L + R) / 2 / 2¹⁵ = (L + R) / 2¹⁶.
    // Both sums stay within ±2²⁴, so float holds them exactly and the results equal the scalar formula.
    private const float S16Scale = 1f / (1 << 15);
    private const float S16PairScale = 1f / (1 << 16);
    private const float S24Scale = 1f / (1 << 23);
    private const float S24PairScale = 1f / (1 << 24);

    /// <summary>Mono samples (whole sample frames) in <paramref name="byteCount"/> bytes of <paramref name="format"/>.</summary>
    public static int MonoSamplesIn(int byteCount, StreamAudioFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        ValidateChannels(format);
        return byteCount / format.BytesPerFrame;
    }

    /// <summary>
    /// Writes one float per sample frame of <paramref name="pcm"/> into the caller's
    /// <paramref name="mono"/>: s16 / 32768, s24 / 8388608, f32 as is, channels averaged. Vectorized;
    /// allocates nothing.
    /// </summary>
    /// <returns>The number of non-finite f32 samples (NaN, ±∞) written as 0 before mixing, so the
    /// other channel survives; 0 for integer encodings.</returns>
    /// <exception cref="ArgumentException"><paramref name="pcm"/> is not whole frames,
    /// <paramref name="mono"/> is shorter than the frames, or the format has no 1 or 2 channels.</exception>
    public static int DecodeToMono(ReadOnlySpan<byte> pcm, StreamAudioFormat format, Span<float> mono)
    {
        ValidateChannels(format);
        var frameBytes = format.BytesPerFrame;
        if (pcm.Length % frameBytes != 0)
            throw new ArgumentException(
                $"{pcm.Length} bytes are not whole sample frames of {frameBytes} bytes ({format.Encoding.ToWireName()}, {format.Channels} channels).",
                nameof(pcm));
        var frames = pcm.Length / frameBytes;
        if (mono.Length < frames)
            throw new ArgumentException($"mono holds {mono.Length} samples; the input has {frames} frames.", nameof(mono));
        mono = mono[..frames];

        switch (format.Encoding)
        {
            case PcmEncoding.S16Le when format.Channels == 1:
                DecodeS16Mono(pcm, mono);
                return 0;
            case PcmEncoding.S16Le:
                DecodeS16Stereo(pcm, mono);
                return 0;
            case PcmEncoding.S24Le:
                DecodeS24(pcm, format.Channels, mono);
                return 0;
            case PcmEncoding.F32Le when format.Channels == 1:
                return DecodeF32Mono(pcm, mono);
            case PcmEncoding.F32Le:
                return DecodeF32Stereo(pcm, mono);
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format.Encoding, null);
        }
    }

    private static bool Vectorized => Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian;

    private static void DecodeS16Mono(ReadOnlySpan<byte> pcm, Span<float> mono)
    {
        var i = 0;
        if (Vectorized)
        {
            ref var source = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, short>(pcm));
            ref var destination = ref MemoryMarshal.GetReference(mono);
            var scale = Vector256.Create(S16Scale);
            for (; i <= mono.Length - Vector256<short>.Count; i += Vector256<short>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)i));
                (Vector256.ConvertToSingle(lower) * scale).StoreUnsafe(ref destination, (nuint)i);
                (Vector256.ConvertToSingle(upper) * scale).StoreUnsafe(ref destination, (nuint)(i + Vector256<int>.Count));
            }
        }
        for (; i < mono.Length; i++)
            mono[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm[(2 * i)..]) * S16Scale;
    }

    private static void DecodeS16Stereo(ReadOnlySpan<byte> pcm, Span<float> mono)
    {
        var i = 0;
        if (Vectorized)
        {
            // A little-endian frame read as one int holds L in its low half and R in its high half;
            // arithmetic shifts sign-extend each, which deinterleaves without a shuffle.
            ref var source = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, int>(pcm));
            ref var destination = ref MemoryMarshal.GetReference(mono);
            var scale = Vector256.Create(S16PairScale);
            for (; i <= mono.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var frames = Vector256.LoadUnsafe(ref source, (nuint)i);
                var left = Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(frames, 16), 16);
                var right = Vector256.ShiftRightArithmetic(frames, 16);
                (Vector256.ConvertToSingle(left + right) * scale).StoreUnsafe(ref destination, (nuint)i);
            }
        }
        for (; i < mono.Length; i++)
        {
            var frame = pcm[(4 * i)..];
            var sum = BinaryPrimitives.ReadInt16LittleEndian(frame) + BinaryPrimitives.ReadInt16LittleEndian(frame[2..]);
            mono[i] = sum * S16PairScale;
        }
    }

    private static void DecodeS24(ReadOnlySpan<byte> pcm, int channels, Span<float> mono)
    {
        if (channels == 1)
        {
            for (var i = 0; i < mono.Length; i++)
                mono[i] = ReadS24(pcm.Slice(3 * i, 3)) * S24Scale;
            return;
        }
        for (var i = 0; i < mono.Length; i++)
        {
            var frame = pcm.Slice(6 * i, 6);
            mono[i] = (ReadS24(frame) + ReadS24(frame[3..])) * S24PairScale;
        }
    }

    /// <summary>Three little-endian bytes, the top one read as signed so the value sign-extends.</summary>
    private static int ReadS24(ReadOnlySpan<byte> sample) => sample[0] | sample[1] << 8 | (sbyte)sample[2] << 16;

    private static int DecodeF32Mono(ReadOnlySpan<byte> pcm, Span<float> mono)
    {
        var i = 0;
        var replaced = 0;
        if (Vectorized)
        {
            ref var source = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, float>(pcm));
            ref var destination = ref MemoryMarshal.GetReference(mono);
            var nonFinite = Vector256<int>.Zero;
            for (; i <= mono.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var samples = Vector256.LoadUnsafe(ref source, (nuint)i);
                var finite = FiniteMask(samples);
                (samples & finite).StoreUnsafe(ref destination, (nuint)i);
                nonFinite += finite.AsInt32() + Vector256<int>.One;
            }
            replaced = Vector256.Sum(nonFinite);
        }
        for (; i < mono.Length; i++)
            mono[i] = ReadFinite(pcm[(4 * i)..], ref replaced);
        return replaced;
    }

    private static int DecodeF32Stereo(ReadOnlySpan<byte> pcm, Span<float> mono)
    {
        var i = 0;
        var replaced = 0;
        if (Vectorized)
        {
            ref var source = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, float>(pcm));
            ref var destination = ref MemoryMarshal.GetReference(mono);
            var nonFinite = Vector256<int>.Zero;
            var half = Vector128.Create(0.5f);
            // [L0 R0 L1 R1 L2 R2 L3 R3] → [L0 L1 L2 L3 R0 R1 R2 R3]; the halves then add frame by frame.
            var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
            for (; i <= mono.Length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var samples = Vector256.LoadUnsafe(ref source, (nuint)(2 * i));
                var finite = FiniteMask(samples);
                nonFinite += finite.AsInt32() + Vector256<int>.One;
                var channels = Vector256.Shuffle(samples & finite, split);
                ((channels.GetLower() + channels.GetUpper()) * half).StoreUnsafe(ref destination, (nuint)i);
            }
            replaced = Vector256.Sum(nonFinite);
        }
        for (; i < mono.Length; i++)
        {
            var frame = pcm[(8 * i)..];
            mono[i] = (ReadFinite(frame, ref replaced) + ReadFinite(frame[4..], ref replaced)) * 0.5f;
        }
        return replaced;
    }

    /// <summary>All ones where the sample is finite: x − x is 0 for finite x and NaN for NaN or ±∞.</summary>
    private static Vector256<float> FiniteMask(Vector256<float> samples) =>
        Vector256.Equals(samples - samples, Vector256<float>.Zero);

    private static float ReadFinite(ReadOnlySpan<byte> sample, ref int replaced)
    {
        var value = BinaryPrimitives.ReadSingleLittleEndian(sample);
        if (float.IsFinite(value))
            return value;
        replaced++;
        return 0;
    }

    private static void ValidateChannels(StreamAudioFormat format)
    {
        if (format.Channels is < 1 or > StreamAudioFormat.MaxChannels)
            throw new ArgumentException($"channels must be 1 or 2; got {format.Channels}.", nameof(format));
    }
}
