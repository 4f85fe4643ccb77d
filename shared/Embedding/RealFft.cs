using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioFunctions.Embedding;

/// <summary>
/// Power spectra of real frames of one power-of-two length N: the frame is packed as N/2 complex samples
/// z[m] = x[2m] + i·x[2m+1], transformed by an iterative radix-2 decimation-in-time FFT, and split into the real
/// transform X[k] = E[k] + e^(−2πik/N)·O[k], where E = (Z[k] + conj Z[N/2−k]) / 2 and O = (Z[k] − conj Z[N/2−k]) / 2i.
/// Bit-reversal and twiddle tables are built once; a call allocates nothing and works in the caller's scratch.
/// <typeparamref name="T"/> is the working precision: <see cref="float"/> for the DSP embedder, <see cref="double"/>
/// for CLAP's log-mel features, whose floor sits 140 dB below a loud band, where single-precision rounding of the
/// transform is already comparable to the signal.
/// </summary>
internal sealed class RealFft<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Half = T.CreateChecked(0.5);

    private readonly int _half;
    private readonly int[] _bitReverse;
    private readonly T[] _stageCos; // stage of span h (h = 1, 2, 4, …) at offset h − 1: cos(πj/h), j < h
    private readonly T[] _stageSin; //                                              sin(πj/h)
    private readonly T[] _splitCos; // cos(2πk/N), k < N/2
    private readonly T[] _splitSin; // sin(2πk/N)

    public RealFft(int size)
    {
        if (size < 8 || !BitOperations.IsPow2(size))
            throw new ArgumentOutOfRangeException(nameof(size), size, "The FFT size must be a power of two of at least 8.");
        Size = size;
        _half = size / 2;
        var bits = BitOperations.Log2((uint)_half);
        _bitReverse = new int[_half];
        for (var m = 0; m < _half; m++)
            _bitReverse[m] = (int)(ReverseBits((uint)m) >> (32 - bits));
        _stageCos = new T[_half];
        _stageSin = new T[_half];
        for (var h = 1; h < _half; h <<= 1)
            for (var j = 0; j < h; j++)
            {
                _stageCos[h - 1 + j] = T.CreateChecked(Math.Cos(Math.PI * j / h));
                _stageSin[h - 1 + j] = T.CreateChecked(Math.Sin(Math.PI * j / h));
            }
        _splitCos = new T[_half];
        _splitSin = new T[_half];
        for (var k = 0; k < _half; k++)
        {
            _splitCos[k] = T.CreateChecked(Math.Cos(2 * Math.PI * k / size));
            _splitSin[k] = T.CreateChecked(Math.Sin(2 * Math.PI * k / size));
        }
    }

    /// <summary>N, the frame length.</summary>
    public int Size { get; }

    /// <summary>N/2 + 1: bins 0 (DC) to N/2 (Nyquist).</summary>
    public int Bins => _half + 1;

    /// <summary>
    /// Writes |X[k]|² of <paramref name="frame"/>·<paramref name="window"/> (both N long) to <paramref name="power"/>
    /// (<see cref="Bins"/> long), unnormalised as numpy's <c>rfft</c>. <paramref name="scratch"/> holds N values and is overwritten.
    /// </summary>
    public void PowerSpectrum(ReadOnlySpan<float> frame, ReadOnlySpan<T> window, Span<T> power, Span<T> scratch)
    {
        if (frame.Length != Size || window.Length != Size || power.Length < Bins || scratch.Length < Size)
            throw new ArgumentException($"PowerSpectrum needs a frame and window of {Size} samples, {Bins} power bins and {Size} scratch values.");
        var re = scratch[.._half];
        var im = scratch.Slice(_half, _half);

        // Window, pack even/odd samples as real/imaginary parts, and store in bit-reversed order.
        for (var m = 0; m < _half; m++)
        {
            var target = _bitReverse[m];
            re[target] = T.CreateChecked(frame[2 * m]) * window[2 * m];
            im[target] = T.CreateChecked(frame[2 * m + 1]) * window[2 * m + 1];
        }
        Transform(re, im);

        // Split: the real transform from the half-size complex one.
        var z0r = re[0];
        var z0i = im[0];
        power[0] = (z0r + z0i) * (z0r + z0i);
        power[_half] = (z0r - z0i) * (z0r - z0i);
        for (var k = 1; k < _half; k++)
        {
            T zr = re[k], zi = im[k], mr = re[_half - k], mi = im[_half - k];
            T er = Half * (zr + mr), ei = Half * (zi - mi);
            T or = Half * (zi + mi), oi = Half * (mr - zr);
            T c = _splitCos[k], s = _splitSin[k];
            var xr = er + c * or + s * oi;
            var xi = ei + c * oi - s * or;
            power[k] = xr * xr + xi * xi;
        }
    }

    /// <summary>In-place radix-2 butterflies on bit-reversed input: a' = a + w·b, b' = a − w·b, w = e^(−πij/h).</summary>
    private void Transform(Span<T> re, Span<T> im)
    {
        var n = re.Length;
        // Spans 1 and 2 (w = 1 and w = −i) together as one radix-4 pass.
        for (var b = 0; b + 3 < n; b += 4)
        {
            T r0 = re[b] + re[b + 1], i0 = im[b] + im[b + 1];
            T r1 = re[b] - re[b + 1], i1 = im[b] - im[b + 1];
            T r2 = re[b + 2] + re[b + 3], i2 = im[b + 2] + im[b + 3];
            T r3 = re[b + 2] - re[b + 3], i3 = im[b + 2] - im[b + 3];
            // (r3 + i·i3)·(−i) = i3 − i·r3
            re[b] = r0 + r2; im[b] = i0 + i2;
            re[b + 2] = r0 - r2; im[b + 2] = i0 - i2;
            re[b + 1] = r1 + i3; im[b + 1] = i1 - r3;
            re[b + 3] = r1 - i3; im[b + 3] = i1 + r3;
        }
        var width = Vector<T>.Count;
        for (var h = 4; h < n; h <<= 1)
        {
            var cos = _stageCos.AsSpan(h - 1, h);
            var sin = _stageSin.AsSpan(h - 1, h);
            if (h >= width)
                ButterfliesVectorized(re, im, cos, sin, h);
            else
                for (var b = 0; b < n; b += 2 * h)
                    for (var j = 0; j < h; j++)
                    {
                        int a = b + j, o = a + h;
                        T c = cos[j], s = sin[j];
                        var tr = c * re[o] + s * im[o];
                        var ti = c * im[o] - s * re[o];
                        re[o] = re[a] - tr; im[o] = im[a] - ti;
                        re[a] += tr; im[a] += ti;
                    }
        }
    }

    private static void ButterfliesVectorized(Span<T> re, Span<T> im, ReadOnlySpan<T> cos, ReadOnlySpan<T> sin, int h)
    {
        ref var reRef = ref MemoryMarshal.GetReference(re);
        ref var imRef = ref MemoryMarshal.GetReference(im);
        ref var cosRef = ref MemoryMarshal.GetReference(cos);
        ref var sinRef = ref MemoryMarshal.GetReference(sin);
        var width = Vector<T>.Count;
        for (var b = 0; b < re.Length; b += 2 * h)
            for (var j = 0; j < h; j += width)
            {
                nuint a = (nuint)(b + j), o = a + (nuint)h;
                var c = Vector.LoadUnsafe(ref cosRef, (nuint)j);
                var s = Vector.LoadUnsafe(ref sinRef, (nuint)j);
                var ar = Vector.LoadUnsafe(ref reRef, a);
                var ai = Vector.LoadUnsafe(ref imRef, a);
                var br = Vector.LoadUnsafe(ref reRef, o);
                var bi = Vector.LoadUnsafe(ref imRef, o);
                var tr = c * br + s * bi;
                var ti = c * bi - s * br;
                (ar + tr).StoreUnsafe(ref reRef, a);
                (ai + ti).StoreUnsafe(ref imRef, a);
                (ar - tr).StoreUnsafe(ref reRef, o);
                (ai - ti).StoreUnsafe(ref imRef, o);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReverseBits(uint value)
    {
        value = ((value >> 1) & 0x55555555u) | ((value & 0x55555555u) << 1);
        value = ((value >> 2) & 0x33333333u) | ((value & 0x33333333u) << 2);
        value = ((value >> 4) & 0x0F0F0F0Fu) | ((value & 0x0F0F0F0Fu) << 4);
        value = ((value >> 8) & 0x00FF00FFu) | ((value & 0x00FF00FFu) << 8);
        return (value >> 16) | (value << 16);
    }
}
