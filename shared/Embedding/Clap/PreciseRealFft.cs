using System.Numerics;

namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// Power spectra of real frames of one power-of-two length N in double precision, by the same packing as
/// <see cref="RealFft"/>: z[m] = x[2m] + i·x[2m+1], a radix-2 FFT of N/2 points, then
/// X[k] = E[k] + e^(−2πik/N)·O[k]. CLAP's log-mel floor sits 140 dB below a loud band, where single-precision
/// rounding of the transform is already comparable to the signal; double keeps the quiet bands exact.
/// </summary>
internal sealed class PreciseRealFft
{
    private readonly int _half;
    private readonly int[] _bitReverse;
    private readonly double[] _stageCos; // stage of span h at offset h − 1: cos(πj/h), j < h
    private readonly double[] _stageSin;
    private readonly double[] _splitCos; // cos(2πk/N), k < N/2
    private readonly double[] _splitSin;

    public PreciseRealFft(int size)
    {
        if (size < 8 || !BitOperations.IsPow2(size))
            throw new ArgumentOutOfRangeException(nameof(size), size, "The FFT size must be a power of two of at least 8.");
        Size = size;
        _half = size / 2;
        var bits = BitOperations.Log2((uint)_half);
        _bitReverse = new int[_half];
        for (var m = 0; m < _half; m++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++)
                r |= ((m >> b) & 1) << (bits - 1 - b);
            _bitReverse[m] = r;
        }
        _stageCos = new double[_half];
        _stageSin = new double[_half];
        for (var h = 1; h < _half; h <<= 1)
            for (var j = 0; j < h; j++)
            {
                _stageCos[h - 1 + j] = Math.Cos(Math.PI * j / h);
                _stageSin[h - 1 + j] = Math.Sin(Math.PI * j / h);
            }
        _splitCos = new double[_half];
        _splitSin = new double[_half];
        for (var k = 0; k < _half; k++)
        {
            _splitCos[k] = Math.Cos(2 * Math.PI * k / size);
            _splitSin[k] = Math.Sin(2 * Math.PI * k / size);
        }
    }

    /// <summary>N, the frame length.</summary>
    public int Size { get; }

    /// <summary>N/2 + 1: bins 0 (DC) to N/2 (Nyquist).</summary>
    public int Bins => _half + 1;

    /// <summary>
    /// Writes |X[k]|² of <paramref name="frame"/>·<paramref name="window"/> (both N long) to <paramref name="power"/>
    /// (<see cref="Bins"/> long), unnormalised as numpy's <c>rfft</c>. <paramref name="scratch"/> holds N doubles.
    /// </summary>
    public void PowerSpectrum(ReadOnlySpan<float> frame, ReadOnlySpan<double> window, Span<double> power, Span<double> scratch)
    {
        if (frame.Length != Size || window.Length != Size || power.Length < Bins || scratch.Length < Size)
            throw new ArgumentException($"PowerSpectrum needs a frame and window of {Size} samples, {Bins} power bins and {Size} scratch doubles.");
        var re = scratch[.._half];
        var im = scratch.Slice(_half, _half);
        for (var m = 0; m < _half; m++)
        {
            var target = _bitReverse[m];
            re[target] = frame[2 * m] * window[2 * m];
            im[target] = frame[2 * m + 1] * window[2 * m + 1];
        }
        Transform(re, im);

        double z0r = re[0], z0i = im[0];
        power[0] = (z0r + z0i) * (z0r + z0i);
        power[_half] = (z0r - z0i) * (z0r - z0i);
        for (var k = 1; k < _half; k++)
        {
            double zr = re[k], zi = im[k], mr = re[_half - k], mi = im[_half - k];
            double er = 0.5 * (zr + mr), ei = 0.5 * (zi - mi);
            double or = 0.5 * (zi + mi), oi = 0.5 * (mr - zr);
            double c = _splitCos[k], s = _splitSin[k];
            var xr = er + c * or + s * oi;
            var xi = ei + c * oi - s * or;
            power[k] = xr * xr + xi * xi;
        }
    }

    /// <summary>In-place radix-2 butterflies on bit-reversed input: a' = a + w·b, b' = a − w·b, w = e^(−πij/h).</summary>
    private void Transform(Span<double> re, Span<double> im)
    {
        var n = re.Length;
        for (var h = 1; h < n; h <<= 1)
        {
            var cos = _stageCos.AsSpan(h - 1, h);
            var sin = _stageSin.AsSpan(h - 1, h);
            for (var b = 0; b < n; b += 2 * h)
                for (var j = 0; j < h; j++)
                {
                    int a = b + j, o = a + h;
                    double c = cos[j], s = sin[j];
                    var tr = c * re[o] + s * im[o];
                    var ti = c * im[o] - s * re[o];
                    re[o] = re[a] - tr; im[o] = im[a] - ti;
                    re[a] += tr; im[a] += ti;
                }
        }
    }
}
