using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AudioFunctions.Indexing;

/// <summary>
/// Symmetric int8 codes with one scale per vector: code_i = round(x_i / s), s = max|x_i| / 127, so
/// x_i ≈ s·code_i with error at most s/2. A dot product of two coded vectors is s_a·s_b·Σ a_i·b_i, summed
/// exactly in int32 (|a_i·b_i| ≤ 16,129, so 2¹⁷ components cannot overflow). Used only to rank graph
/// candidates; final scores come from the float32 vectors.
/// </summary>
internal static class Int8Codes
{
    /// <summary>Writes the codes of <paramref name="vector"/> and returns its scale (0 for the zero vector).</summary>
    public static float Encode(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var largest = TensorPrimitives.MaxMagnitude(vector);
        largest = Math.Abs(largest);
        if (largest == 0)
        {
            codes.Clear();
            return 0;
        }
        var scale = largest / 127f;
        var inverse = 1f / scale;
        for (var i = 0; i < vector.Length; i++)
            codes[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        return scale;
    }

    /// <summary>Codes widened to int16 once per query, the form <see cref="Dot"/> reads the query in.</summary>
    public static float EncodeWide(ReadOnlySpan<float> vector, Span<short> wide, Span<sbyte> scratch)
    {
        var scale = Encode(vector, scratch);
        for (var i = 0; i < vector.Length; i++)
            wide[i] = scratch[i];
        return scale;
    }

    /// <summary>Σ query_i · codes_i in int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<short> query, ReadOnlySpan<sbyte> codes)
    {
        var i = 0;
        var total = 0;
        if (Avx512BW.IsSupported && codes.Length >= 64)
        {
            ref var q = ref MemoryMarshal.GetReference(query);
            ref var c = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(codes));
            var sum0 = Vector512<int>.Zero;
            var sum1 = Vector512<int>.Zero;
            for (; i <= codes.Length - 64; i += 64)
            {
                // 32 codes sign-extended to int16 per step; vpmaddwd multiplies pairs and adds neighbours into int32.
                var low = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref c, (nuint)i).AsSByte());
                var high = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref c, (nuint)(i + 32)).AsSByte());
                sum0 = Avx512F.Add(sum0, Avx512BW.MultiplyAddAdjacent(low, Vector512.LoadUnsafe(ref q, (nuint)i)));
                sum1 = Avx512F.Add(sum1, Avx512BW.MultiplyAddAdjacent(high, Vector512.LoadUnsafe(ref q, (nuint)(i + 32))));
            }
            total = Vector512.Sum(sum0 + sum1);
        }
        else if (Avx2.IsSupported && codes.Length >= 32)
        {
            ref var q = ref MemoryMarshal.GetReference(query);
            ref var c = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(codes));
            var sum0 = Vector256<int>.Zero;
            var sum1 = Vector256<int>.Zero;
            for (; i <= codes.Length - 32; i += 32)
            {
                // 32 codes → two vectors of 16 int16; vpmaddwd multiplies pairs and adds neighbours into int32.
                var packed = Vector256.LoadUnsafe(ref c, (nuint)i).AsSByte();
                var (low, high) = Vector256.Widen(packed);
                sum0 = Avx2.Add(sum0, Avx2.MultiplyAddAdjacent(low, Vector256.LoadUnsafe(ref q, (nuint)i)));
                sum1 = Avx2.Add(sum1, Avx2.MultiplyAddAdjacent(high, Vector256.LoadUnsafe(ref q, (nuint)(i + 16))));
            }
            total = Vector256.Sum(sum0 + sum1);
        }
        for (; i < codes.Length; i++)
            total += query[i] * codes[i];
        return total;
    }
}
