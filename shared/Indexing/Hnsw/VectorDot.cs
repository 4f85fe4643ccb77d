using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioFunctions.Indexing;

/// <summary>
/// The dot product of a graph walk: a Vector512 loop with two accumulators. Measured warm at 512-d on this
/// project's build machine (ann benchmark) it takes ≈ 28 ns against ≈ 30 ns for TensorPrimitives.Dot, so it
/// buys little. Its rounding differs from TensorPrimitives.Dot in the last bits, so scores a caller sees are
/// recomputed with TensorPrimitives.Dot, exactly as the exact index computes them.
/// </summary>
internal static class VectorDot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (Vector512.IsHardwareAccelerated && a.Length >= 32 && a.Length == b.Length)
            return Dot512(a, b);
        return TensorPrimitives.Dot(a, b);
    }

    private static float Dot512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var sum0 = Vector512<float>.Zero;
        var sum1 = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + 32 <= length; i += 32)
        {
            sum0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, i), Vector512.LoadUnsafe(ref y, i), sum0);
            sum1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, i + 16), Vector512.LoadUnsafe(ref y, i + 16), sum1);
        }
        var total = Vector512.Sum(sum0 + sum1);
        for (; i < length; i++)
            total += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        return total;
    }
}
