using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace AudioFunctions.Embedding;

/// <summary>
/// Lowers the sample rate by an integer factor F through a Kaiser-windowed-sinc low-pass FIR of F·J taps, computing
/// only the kept outputs: y[n] = Σ_k h[k]·x[F·n + k − D], with x = 0 outside the input and D = F·J/2 the filter's delay.
/// Split into phases x_p[i] = x[F·i + p − D], that is y[n] = Σ_p Σ_j h[F·j + p]·x_p[n + j]: contiguous vector work.
/// </summary>
internal sealed class PolyphaseDecimator
{
    private readonly float[] _taps; // h[F·j + p]

    /// <param name="factor">F, the ratio of input to output rate.</param>
    /// <param name="tapsPerPhase">J; the filter has F·J taps.</param>
    /// <param name="cutoffHz">The −6 dB point of the low-pass, below the output's Nyquist rate.</param>
    /// <param name="inputRateHz">The input's sample rate.</param>
    /// <param name="kaiserBeta">Kaiser window shape: about 0.1102·(A − 8.7) for A dB of stop-band attenuation.</param>
    public PolyphaseDecimator(int factor, int tapsPerPhase, double cutoffHz, double inputRateHz, double kaiserBeta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(tapsPerPhase, 1);
        if (!(cutoffHz > 0 && cutoffHz < inputRateHz / (2.0 * factor)))
            throw new ArgumentOutOfRangeException(nameof(cutoffHz), cutoffHz, "The cutoff must lie below the output's Nyquist rate.");
        Factor = factor;
        TapsPerPhase = tapsPerPhase;
        var length = factor * tapsPerPhase;
        var taps = new double[length];
        var fc = cutoffHz / inputRateHz; // cycles per input sample
        var centre = (length - 1) / 2.0;
        var sum = 0.0;
        for (var k = 0; k < length; k++)
        {
            var t = k - centre;
            var sinc = t == 0 ? 2 * fc : Math.Sin(2 * Math.PI * fc * t) / (Math.PI * t);
            var r = 2.0 * k / (length - 1) - 1;
            taps[k] = sinc * BesselI0(kaiserBeta * Math.Sqrt(1 - r * r)) / BesselI0(kaiserBeta);
            sum += taps[k];
        }
        _taps = new float[length];
        for (var k = 0; k < length; k++)
            _taps[k] = (float)(taps[k] / sum); // unit gain at DC
    }

    public int Factor { get; }

    public int TapsPerPhase { get; }

    /// <summary>
    /// Writes input.Length / F samples to <paramref name="output"/>. Rents and returns F·(input.Length / F + J + 32)
    /// floats; allocates nothing.
    /// </summary>
    public void Decimate(ReadOnlySpan<float> input, Span<float> output)
    {
        var outputs = input.Length / Factor;
        if (output.Length < outputs)
            throw new ArgumentException($"Decimating {input.Length} samples by {Factor} needs {outputs} output floats.", nameof(output));
        // Each phase holds every output's J inputs plus room for a whole vector block past the last output.
        var phaseLength = outputs + TapsPerPhase + 4 * Vector<float>.Count;
        var phases = ArrayPool<float>.Shared.Rent(Factor * phaseLength);
        try
        {
            Split(input, phases.AsSpan(0, Factor * phaseLength), phaseLength);
            Filter(phases, phaseLength, output[..outputs]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(phases);
        }
    }

    private void Split(ReadOnlySpan<float> input, Span<float> phases, int phaseLength)
    {
        var delay = _taps.Length / 2;
        // Rows i whose F inputs all lie inside the window are copied without checks; the edges are zero-padded.
        var firstInside = (delay + Factor - 1) / Factor;
        var endInside = Math.Min(phaseLength, (input.Length + delay - Factor) / Factor + 1);
        for (var i = 0; i < phaseLength; i++)
        {
            if (i == firstInside && endInside > firstInside)
            {
                CopyInside(input, phases, phaseLength, firstInside, endInside, delay);
                i = endInside - 1;
                continue;
            }
            for (var p = 0; p < Factor; p++)
            {
                var source = Factor * i + p - delay;
                phases[p * phaseLength + i] = (uint)source < (uint)input.Length ? input[source] : 0f;
            }
        }
    }

    private void CopyInside(ReadOnlySpan<float> input, Span<float> phases, int phaseLength, int first, int end, int delay)
    {
        var rows = end - first;
        var source = input.Slice(Factor * first - delay, Factor * rows);
        for (var p = 0; p < Factor; p++)
        {
            var phase = phases.Slice(p * phaseLength + first, rows);
            for (int i = 0, s = p; i < phase.Length; i++, s += Factor)
                phase[i] = source[s];
        }
    }

    private void Filter(float[] phases, int phaseLength, Span<float> output)
    {
        var width = Vector<float>.Count;
        var block = 4 * width;
        ref var x = ref MemoryMarshal.GetArrayDataReference(phases);
        ref var y = ref MemoryMarshal.GetReference(output);
        var n = 0;
        // Four independent accumulators per step hide the latency of the multiply-adds.
        for (; n + block <= output.Length; n += block)
        {
            Vector<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            for (var p = 0; p < Factor; p++)
            {
                var phaseStart = (nuint)(p * phaseLength + n);
                for (var j = 0; j < TapsPerPhase; j++)
                {
                    var h = new Vector<float>(_taps[Factor * j + p]);
                    var at = phaseStart + (nuint)j;
                    acc0 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref x, at), acc0);
                    acc1 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref x, at + (nuint)width), acc1);
                    acc2 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref x, at + (nuint)(2 * width)), acc2);
                    acc3 = Vector.MultiplyAddEstimate(h, Vector.LoadUnsafe(ref x, at + (nuint)(3 * width)), acc3);
                }
            }
            acc0.StoreUnsafe(ref y, (nuint)n);
            acc1.StoreUnsafe(ref y, (nuint)(n + width));
            acc2.StoreUnsafe(ref y, (nuint)(n + 2 * width));
            acc3.StoreUnsafe(ref y, (nuint)(n + 3 * width));
        }
        for (; n < output.Length; n++)
        {
            var sum = 0f;
            for (var p = 0; p < Factor; p++)
                for (var j = 0; j < TapsPerPhase; j++)
                    sum += _taps[Factor * j + p] * phases[p * phaseLength + n + j];
            output[n] = sum;
        }
    }

    /// <summary>The modified Bessel function I₀ by its power series Σ ((x/2)^k / k!)², to double precision.</summary>
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, quarterSquare = x * x / 4;
        for (var k = 1; term > 1e-17 * sum; k++)
        {
            term *= quarterSquare / ((double)k * k);
            sum += term;
        }
        return sum;
    }
}
