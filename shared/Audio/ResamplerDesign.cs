using System.Collections.Concurrent;

namespace AudioFunctions.Audio;

/// <summary>
/// The filter of a <see cref="Resampler"/> for one rate pair, and the integer steps that walk output
/// times over input samples. Immutable, so every resampler of the same rate pair shares one.
/// </summary>
/// <remarks>
/// The filter is a Kaiser-windowed sinc h(t), t in input samples, with unit DC gain. Output sample n
/// sits at input time t = n·Fi/Fo = q + p/L (Fi/Fo = M/L in lowest terms, 0 ≤ p &lt; L) and is
/// y[n] = Σ_{i&lt;K} c[i]·x[q − H + 1 + i] with c[i] = h(p/L + H − 1 − i), K = 2H taps. The rows c are
/// precomputed for phases j/P: P = L exactly when L is small ("exact"); otherwise P fixed phases plus
/// one, and the output is interpolated linearly between the dot products of rows j and j + 1.
/// </remarks>
internal sealed class ResamplerDesign
{
    /// <summary>Kaiser design rejection; 120 dB keeps the filter's error below s24 quantization.</summary>
    internal const double StopbandAttenuationDb = 120;

    /// <summary>Passband edge as a fraction of the smaller Nyquist; the stopband starts at that Nyquist.</summary>
    internal const double PassbandFraction = 0.91;

    /// <summary>Rate pairs with at most this many phases (L) get one precomputed row per phase.</summary>
    internal const int MaxExactPhases = 1024;

    /// <summary>Rows of the interpolated table when upsampling; linear interpolation between rows
    /// 1/1024 input sample apart errs by about (π·0.5/1024)²/8 ≈ −125 dB.</summary>
    internal const int InterpolatedPhases = 1024;

    internal const int MinInterpolatedPhases = 64;

    /// <summary>Taps are a multiple of 16 so the dot product runs in whole 512-, 256- or 128-bit vectors.</summary>
    internal const int TapMultiple = 16;

    /// <summary>Bounds the filter (and the saved history) for extreme decimation such as 384 kHz → 1 Hz,
    /// where the transition band widens instead.</summary>
    internal const int MaxTaps = 8192;

    /// <summary>Exact tables above this many coefficients (4 MB) switch to the interpolated table.</summary>
    internal const long MaxExactTableFloats = 1 << 20;

    private const int MaxCachedDesigns = 32;
    private static readonly ConcurrentDictionary<(int, int), ResamplerDesign> _cache = new();

    private ResamplerDesign(int inputRateHz, int outputRateHz)
    {
        InputRateHz = inputRateHz;
        OutputRateHz = outputRateHz;
        var gcd = Gcd(inputRateHz, outputRateHz);
        OutputStep = outputRateHz / gcd;
        InputStepPerOutput = inputRateHz / gcd;
        if (inputRateHz == outputRateHz)
        {
            Coefficients = [];
            Phases = 1;
            return;
        }

        // Band edges in cycles per input sample.
        var nyquist = 0.5 * Math.Min(inputRateHz, outputRateHz) / inputRateHz;
        var transition = nyquist * (1 - PassbandFraction);
        // Kaiser's estimate: K − 1 = (A − 7.95) / (2.285 · Δω), Δω the transition width in rad/sample.
        var taps = RoundUp((int)Math.Ceiling((StopbandAttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition)) + 1, TapMultiple);
        if (taps > MaxTaps)
        {
            taps = MaxTaps;
            transition = (StopbandAttenuationDb - 7.95) / (2.285 * 2 * Math.PI * (taps - 1));
        }
        var cutoff = Math.Max(nyquist - transition / 2, nyquist / 2);
        Taps = taps;
        HalfTaps = taps / 2;

        var l = OutputStep;
        // Fewer rows are needed when decimating: the interpolation error scales with (cutoff / P)².
        var interpolated = (int)Math.Clamp(Math.Ceiling(InterpolatedPhases * 2 * nyquist), MinInterpolatedPhases, InterpolatedPhases);
        Interpolates = !(l <= MaxExactPhases && (long)l * taps <= MaxExactTableFloats) && interpolated < l;
        Phases = Interpolates ? interpolated : l;
        var rows = Interpolates ? Phases + 1 : Phases;
        Coefficients = new float[rows * taps];
        var beta = 0.1102 * (StopbandAttenuationDb - 8.7);
        var windowScale = 1 / BesselI0(beta);
        var row = new double[taps];
        for (var j = 0; j < rows; j++)
        {
            var sum = 0.0;
            for (var i = 0; i < taps; i++)
            {
                row[i] = WindowedSinc((double)j / Phases + HalfTaps - 1 - i, cutoff, HalfTaps, beta, windowScale);
                sum += row[i];
            }
            // Unit gain per row: DC passes exactly, whatever the phase.
            for (var i = 0; i < taps; i++)
                Coefficients[j * taps + i] = (float)(row[i] / sum);
        }

        // Walking n → n + 1 adds M/L to t: q grows by M / L, p by M % L. The table position of p is
        // p·P/L = phase + remainder/L, so the steps below replace a division per output sample.
        var pStep = InputStepPerOutput % l;
        QStep = InputStepPerOutput / l;
        PhaseStep = (int)((long)pStep * Phases / l);
        RemainderStep = (int)((long)pStep * Phases % l);
        RemainderScale = 1f / l;
    }

    public int InputRateHz { get; }

    public int OutputRateHz { get; }

    /// <summary>True when the rates are equal and the resampler copies.</summary>
    public bool IsIdentity => Taps == 0;

    /// <summary>K: taps per output sample (0 for the identity).</summary>
    public int Taps { get; }

    /// <summary>H = K/2: output sample n at t = q + p/L needs input samples up to q + H.</summary>
    public int HalfTaps { get; }

    /// <summary>L: output samples per <see cref="InputStepPerOutput"/> input samples (Fo / gcd).</summary>
    public int OutputStep { get; }

    /// <summary>M: Fi / gcd.</summary>
    public int InputStepPerOutput { get; }

    /// <summary>P: table phases per input sample (L when exact).</summary>
    public int Phases { get; }

    /// <summary>True when outputs are interpolated between rows j and j + 1 (P ≠ L).</summary>
    public bool Interpolates { get; }

    /// <summary>Rows of <see cref="Taps"/> coefficients, row j for fractional position j/P.</summary>
    public float[] Coefficients { get; }

    public int QStep { get; }

    public int PhaseStep { get; }

    public int RemainderStep { get; }

    /// <summary>1/L: turns the remainder into the interpolation weight between rows.</summary>
    public float RemainderScale { get; }

    /// <summary>The shared design for a rate pair, built on first use (milliseconds at most).</summary>
    public static ResamplerDesign For(int inputRateHz, int outputRateHz)
    {
        if (_cache.TryGetValue((inputRateHz, outputRateHz), out var design))
            return design;
        // A handful of rate pairs is the normal case; a client cycling through odd rates must not grow
        // the cache without bound, so it starts over instead.
        if (_cache.Count >= MaxCachedDesigns)
            _cache.Clear();
        return _cache.GetOrAdd((inputRateHz, outputRateHz), static key => new ResamplerDesign(key.Item1, key.Item2));
    }

    /// <summary>Output samples n ≥ 0 with nM &lt; limit·L, i.e. ceil(limit·L/M) for limit &gt; 0.</summary>
    public long OutputsBefore(long limit) =>
        limit <= 0 ? 0 : (long)(((Int128)limit * OutputStep + InputStepPerOutput - 1) / InputStepPerOutput);

    /// <summary>h(t) = 2f·sinc(2ft) · I₀(β√(1 − (t/H)²)) / I₀(β) inside |t| &lt; H, 0 outside.</summary>
    private static double WindowedSinc(double t, double cutoff, int halfWidth, double beta, double windowScale)
    {
        var ratio = t / halfWidth;
        if (ratio is <= -1 or >= 1)
            return 0;
        var x = 2 * cutoff * t;
        var sinc = Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
        return 2 * cutoff * sinc * BesselI0(beta * Math.Sqrt(1 - ratio * ratio)) * windowScale;
    }

    /// <summary>I₀(x) = Σ ((x/2)^k / k!)², summed until the terms stop mattering.</summary>
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 500; k++)
        {
            term *= half / k;
            var squared = term * term;
            sum += squared;
            if (squared < sum * 1e-17)
                break;
        }
        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
