using System.Numerics.Tensors;

namespace AudioFunctions.Embedding;

/// <summary>
/// Triangular filters evenly spaced on the HTK mel scale, mel(f) = 2595·log10(1 + f/700), each stored as the run of
/// bins it covers. Each filter's weights sum to 1, so a band is the weighted mean power of its bins and white noise
/// gives the same value in every band.
/// </summary>
internal sealed class MelFilterBank
{
    private readonly int[] _firstBin;
    private readonly int[] _weightOffset;
    private readonly int[] _binCount;
    private readonly float[] _weights;

    public MelFilterBank(int bands, int fftSize, double sampleRateHz, double minHz, double maxHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        if (!(minHz >= 0 && maxHz > minHz && maxHz <= sampleRateHz / 2))
            throw new ArgumentOutOfRangeException(nameof(maxHz), maxHz, "The mel range must lie within 0 Hz and the Nyquist rate.");
        Bands = bands;
        var binHz = sampleRateHz / fftSize;
        var bins = fftSize / 2 + 1;
        var edges = new double[bands + 2];
        double melMin = Mel(minHz), melMax = Mel(maxHz);
        for (var i = 0; i < edges.Length; i++)
            edges[i] = Hz(melMin + (melMax - melMin) * i / (bands + 1));

        _firstBin = new int[bands];
        _weightOffset = new int[bands];
        _binCount = new int[bands];
        var weights = new List<float>();
        var band = new List<double>();
        for (var b = 0; b < bands; b++)
        {
            double low = edges[b], centre = edges[b + 1], high = edges[b + 2];
            var first = (int)Math.Ceiling(low / binHz);
            band.Clear();
            for (var k = first; k < bins && k * binHz < high; k++)
            {
                var f = k * binHz;
                band.Add(f <= centre ? (f - low) / (centre - low) : (high - f) / (high - centre));
            }
            // A band narrower than a bin takes the bin nearest its centre.
            var sum = band.Sum();
            if (sum <= 0)
            {
                first = Math.Min(bins - 1, (int)Math.Round(centre / binHz));
                band.Clear();
                band.Add(1);
                sum = 1;
            }
            _firstBin[b] = first;
            _weightOffset[b] = weights.Count;
            _binCount[b] = band.Count;
            foreach (var w in band)
                weights.Add((float)(w / sum));
        }
        _weights = [.. weights];
    }

    public int Bands { get; }

    /// <summary>Writes each band's weighted mean of <paramref name="power"/> (N/2 + 1 bins) to <paramref name="bands"/>.</summary>
    public void Apply(ReadOnlySpan<float> power, Span<float> bands)
    {
        for (var b = 0; b < Bands; b++)
            bands[b] = TensorPrimitives.Dot(power.Slice(_firstBin[b], _binCount[b]), _weights.AsSpan(_weightOffset[b], _binCount[b]));
    }

    public static double Mel(double hz) => 2595 * Math.Log10(1 + hz / 700);

    public static double Hz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);
}
