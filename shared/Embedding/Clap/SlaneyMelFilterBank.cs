namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// The mel filter bank CLAP's non-fusion path uses, as transformers' <c>audio_utils.mel_filter_bank</c> builds it with
/// <c>norm="slaney"</c>, <c>mel_scale="slaney"</c>: band edges f[0..n+1] evenly spaced on the Slaney mel scale between
/// the minimum and maximum frequency; bin k sits at k·⌊rate/2⌋/(bins−1) Hz (<c>np.linspace(0, sampling_rate // 2, bins)</c>);
/// filter m weighs it max(0, min((f − f[m])/(f[m+1] − f[m]), (f[m+2] − f)/(f[m+2] − f[m+1]))) (as
/// <c>_create_triangular_filter_bank</c>), scaled by 2/(f[m+2] − f[m]) so each filter has unit area. Unlike
/// <see cref="MelFilterBank"/> the weights are not normalised to sum to 1. Each filter is stored as the run of bins it covers.
/// </summary>
internal sealed class SlaneyMelFilterBank
{
    private const double LogStartHz = 1000;
    private const double LogStartMel = 15;             // 1000 Hz · 3/200
    private static readonly double MelsPerLogHz = 27 / Math.Log(6.4);
    private static readonly double LogHzPerMel = Math.Log(6.4) / 27;

    private readonly int[] _firstBin;
    private readonly int[] _weightOffset;
    private readonly int[] _binCount;
    private readonly double[] _weights;

    public SlaneyMelFilterBank(int bands, int bins, int sampleRateHz, double minHz, double maxHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        if (!(minHz >= 0 && maxHz > minHz))
            throw new ArgumentOutOfRangeException(nameof(maxHz), maxHz, "The mel range must run from a non-negative minimum up to a greater maximum.");
        Bands = bands;
        Bins = bins;
        Edges = new double[bands + 2];
        double melMin = Mel(minHz), melMax = Mel(maxHz);
        // np.linspace(mel_min, mel_max, n + 2): start + i·step, the last point exactly mel_max.
        var step = (melMax - melMin) / (bands + 1);
        for (var i = 0; i < Edges.Length; i++)
            Edges[i] = Hz(i == Edges.Length - 1 ? melMax : melMin + i * step);

        var binHz = (double)(sampleRateHz / 2) / (bins - 1);
        _firstBin = new int[bands];
        _weightOffset = new int[bands];
        _binCount = new int[bands];
        var weights = new List<double>();
        for (var m = 0; m < bands; m++)
        {
            double low = Edges[m], centre = Edges[m + 1], high = Edges[m + 2];
            var area = 2 / (high - low);
            var first = -1;
            for (var k = 0; k < bins; k++)
            {
                var f = k * binHz;
                var w = Math.Max(0, Math.Min((f - low) / (centre - low), (high - f) / (high - centre))) * area;
                if (w <= 0)
                {
                    if (first >= 0)
                        break;
                    continue;
                }
                if (first < 0)
                {
                    first = k;
                    _weightOffset[m] = weights.Count;
                }
                weights.Add(w);
            }
            _firstBin[m] = Math.Max(first, 0);
            _binCount[m] = first < 0 ? 0 : weights.Count - _weightOffset[m];
            if (first < 0)
                _weightOffset[m] = weights.Count;
        }
        _weights = [.. weights];
    }

    public int Bands { get; }

    /// <summary>Power bins per frame the bank reads (N/2 + 1).</summary>
    public int Bins { get; }

    /// <summary>The n + 2 band edges in Hz: filter m rises from Edges[m], peaks at Edges[m+1], falls to Edges[m+2].</summary>
    public double[] Edges { get; }

    /// <summary>Weight of bin <paramref name="bin"/> in filter <paramref name="band"/> (0 outside its run).</summary>
    public double Weight(int band, int bin)
    {
        var offset = bin - _firstBin[band];
        return offset >= 0 && offset < _binCount[band] ? _weights[_weightOffset[band] + offset] : 0;
    }

    /// <summary>Writes Σₖ power[k]·weight[m][k] of each band m to <paramref name="bands"/>.</summary>
    public void Apply(ReadOnlySpan<double> power, Span<double> bands)
    {
        for (var m = 0; m < Bands; m++)
        {
            var run = power.Slice(_firstBin[m], _binCount[m]);
            var weights = _weights.AsSpan(_weightOffset[m], _binCount[m]);
            double sum = 0;
            for (var i = 0; i < run.Length; i++)
                sum += run[i] * weights[i];
            bands[m] = sum;
        }
    }

    /// <summary>Slaney's mel scale (transformers' <c>hertz_to_mel</c>, <c>mel_scale="slaney"</c>): linear 3f/200 below 1 kHz, logarithmic above.</summary>
    public static double Mel(double hz) =>
        hz >= LogStartHz ? LogStartMel + Math.Log(hz / LogStartHz) * MelsPerLogHz : 3 * hz / 200;

    /// <summary>The inverse of <see cref="Mel"/> (transformers' <c>mel_to_hertz</c>, <c>mel_scale="slaney"</c>).</summary>
    public static double Hz(double mel) =>
        mel >= LogStartMel ? LogStartHz * Math.Exp(LogHzPerMel * (mel - LogStartMel)) : 200 * mel / 3;
}
