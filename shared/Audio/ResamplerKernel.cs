using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AudioFunctions.Audio;

/// <summary>The resampler's inner loop: one filter row dotted with one window of input samples.</summary>
/// <remarks>
/// Not <c>TensorPrimitives.Dot</c>: that aligns its loads to the input's address, so its summation
/// order (and last bits) would follow where a window happens to sit in the buffer, and streaming
/// output must be bit-identical however the input was chunked. Here the order depends only on the
/// tap count: unaligned loads, separate multiply and add (never a contraction that a JIT tier might
/// do differently), two accumulators, and a horizontal sum written out rather than
/// <c>Vector.Sum</c>, whose software fallback sums in another order.
/// </remarks>
internal static class ResamplerKernel
{
    /// <summary>Σ c[i]·x[i] over <paramref name="count"/> floats, a multiple of 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ref float coefficients, ref float samples, int count)
    {
        if (Vector512.IsHardwareAccelerated)
            return Dot512(ref coefficients, ref samples, count);
        if (Vector256.IsHardwareAccelerated)
            return Dot256(ref coefficients, ref samples, count);
        if (Vector128.IsHardwareAccelerated)
            return Dot128(ref coefficients, ref samples, count);
        return DotScalar(ref coefficients, ref samples, count);
    }

    private static float Dot512(ref float c, ref float x, int count)
    {
        var even = Vector512<float>.Zero;
        var odd = Vector512<float>.Zero;
        var i = 0;
        for (; i + 32 <= count; i += 32)
        {
            even += Vector512.LoadUnsafe(ref c, (nuint)i) * Vector512.LoadUnsafe(ref x, (nuint)i);
            odd += Vector512.LoadUnsafe(ref c, (nuint)(i + 16)) * Vector512.LoadUnsafe(ref x, (nuint)(i + 16));
        }
        if (i < count)
            even += Vector512.LoadUnsafe(ref c, (nuint)i) * Vector512.LoadUnsafe(ref x, (nuint)i);
        var sum = even + odd;
        return Reduce(sum.GetLower() + sum.GetUpper());
    }

    private static float Dot256(ref float c, ref float x, int count)
    {
        var even = Vector256<float>.Zero;
        var odd = Vector256<float>.Zero;
        for (var i = 0; i < count; i += 16)
        {
            even += Vector256.LoadUnsafe(ref c, (nuint)i) * Vector256.LoadUnsafe(ref x, (nuint)i);
            odd += Vector256.LoadUnsafe(ref c, (nuint)(i + 8)) * Vector256.LoadUnsafe(ref x, (nuint)(i + 8));
        }
        return Reduce(even + odd);
    }

    private static float Dot128(ref float c, ref float x, int count)
    {
        var even = Vector128<float>.Zero;
        var odd = Vector128<float>.Zero;
        for (var i = 0; i < count; i += 8)
        {
            even += Vector128.LoadUnsafe(ref c, (nuint)i) * Vector128.LoadUnsafe(ref x, (nuint)i);
            odd += Vector128.LoadUnsafe(ref c, (nuint)(i + 4)) * Vector128.LoadUnsafe(ref x, (nuint)(i + 4));
        }
        return Reduce(even + odd);
    }

    private static float DotScalar(ref float c, ref float x, int count)
    {
        var sum = 0f;
        for (var i = 0; i < count; i++)
            sum += Unsafe.Add(ref c, i) * Unsafe.Add(ref x, i);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector256<float> v) => Reduce(v.GetLower() + v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector128<float> v) =>
        (v.GetElement(0) + v.GetElement(2)) + (v.GetElement(1) + v.GetElement(3));
}
