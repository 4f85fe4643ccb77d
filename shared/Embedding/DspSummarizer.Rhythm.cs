using System.Numerics.Tensors;

namespace AudioFunctions.Embedding;

internal sealed partial class DspSummarizer
{
    private const float FluxMeanTypicalDb = 1.5f, FluxMeanSpreadDb = 1.5f;   // mean rise in dB per 32 ms frame
    private const float FluxStdSpreadDb = 3f;
    private const float OnsetMaxSpreadDb = 10f;
    private const float PeakRateTypicalHz = 3f, PeakRateSpreadHz = 2f;
    private const float AutocorrelationSpread = 0.5f;                      // normalised autocorrelation, −1..1
    private const float TempoOctaveSpread = 0.5f;                          // log2(BPM / 120)
    private const float ModulationTypical = 0.3f, ModulationSpread = 0.3f; // √(share of envelope variance)
    private const float LevelTypicalDb = -20f, LevelSpreadDb = 10f;        // frame or window level, dBFS
    private const float LevelStdSpreadDb = 6f;
    private const float ActiveTypical = 0.8f, ActiveSpread = 0.2f;

    private static readonly double[] ModulationEdgesHz = [0.5, 2, 4, 8, DspLayout.FramesPerSecond / 2];

    private readonly RealFft<float> _modulationFft = new(DspLayout.ModulationFftLength);
    private readonly float[] _modulationWindow;  // Hann over the 311 frames, zero after
    private readonly float[] _tempoLags;         // lag in frames of each tempo point: 60·31.25 / BPM

    private static float[] BuildModulationWindow()
    {
        var window = new float[DspLayout.ModulationFftLength];
        for (var t = 0; t < DspLayout.Frames; t++)
            window[t] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * (t + 0.5) / DspLayout.Frames));
        return window;
    }

    private static float[] BuildTempoLags()
    {
        var lags = new float[DspLayout.TempoPoints];
        for (var i = 0; i < lags.Length; i++)
            lags[i] = (float)(60 * DspLayout.FramesPerSecond / DspLayout.TempoBpm(i));
        return lags;
    }

    /// <summary>
    /// Band onset strength (half-wave rectified rise of log-mel, per group of 8 bands: mean and std), onset statistics
    /// and the tempo descriptor: the onset envelope's autocorrelation, normalised by lag 0, read at 48 BPM points.
    /// </summary>
    private void WriteFluxAndOnsets(DspWorkspace workspace, Span<float> embedding)
    {
        const int m = DspLayout.MelBands, g = DspLayout.FluxGroups, frames = DspLayout.Frames, perGroup = m / g;
        ReadOnlySpan<float> logMel = workspace.LogMel;
        var onset = workspace.Onset;
        var bandFlux = workspace.BandFlux;
        var rise = workspace.Scratch[..m];
        onset[0] = 0;
        bandFlux[..g].Clear();
        for (var t = 1; t < frames; t++)
        {
            TensorPrimitives.Subtract(logMel.Slice(t * m, m), logMel.Slice((t - 1) * m, m), rise);
            TensorPrimitives.Max(rise, 0f, rise);
            for (var j = 0; j < g; j++)
                bandFlux[t * g + j] = TensorPrimitives.Sum(rise.Slice(j * perGroup, perGroup)) / perGroup;
            onset[t] = TensorPrimitives.Sum(rise) / m;
        }

        // Frame 0 has no predecessor, so statistics run over frames 1..310.
        var flux = DspLayout.BandFlux.Of(embedding);
        FrameStatistics.MeanAndStd(bandFlux[g..], g, default, flux[..g], flux[g..], workspace.Scratch);
        Standardise(flux[..g], FluxMeanTypicalDb, FluxMeanSpreadDb);
        TensorPrimitives.Multiply(flux[g..], 1f / FluxStdSpreadDb, flux[g..]);

        var envelope = onset[1..];
        var (mean, std) = FrameStatistics.MeanAndStd(envelope);
        var autocorrelation = workspace.Scratch[..(int)Math.Ceiling(_tempoLags[0] + 2)];
        Autocorrelation(envelope, mean, autocorrelation);
        var tempo = DspLayout.Tempo.Of(embedding);
        var best = 0;
        for (var i = 0; i < tempo.Length; i++)
        {
            var lag = _tempoLags[i];
            var below = (int)lag;
            var fraction = lag - below;
            tempo[i] = autocorrelation[below] * (1 - fraction) + autocorrelation[below + 1] * fraction;
            if (tempo[i] > tempo[best])
                best = i;
        }

        var stats = DspLayout.Onset.Of(embedding);
        stats[0] = (mean - FluxMeanTypicalDb) / FluxMeanSpreadDb;
        stats[1] = std / FluxStdSpreadDb;
        stats[2] = TensorPrimitives.Max(envelope) / OnsetMaxSpreadDb;
        stats[3] = (PeakRateHz(envelope, mean + 0.5f * std) - PeakRateTypicalHz) / PeakRateSpreadHz;
        stats[4] = tempo[best] / AutocorrelationSpread;
        stats[5] = std > 0 ? (float)Math.Log2(DspLayout.TempoBpm(best) / 120) / TempoOctaveSpread : 0f;
        stats[6] = autocorrelation[1] / AutocorrelationSpread;
        stats[7] = std > 0 ? Skewness(envelope, mean, std) / 2f : 0f;
        TensorPrimitives.Multiply(tempo, 1f / AutocorrelationSpread, tempo);
    }

    /// <summary>ρ[l] = (Σ x[t]·x[t+l] / (N − l)) / (Σ x[t]² / N) for x = values − mean; all 0 if x is constant.</summary>
    private static void Autocorrelation(ReadOnlySpan<float> values, float mean, Span<float> rho)
    {
        var n = values.Length;
        var zeroLag = 0f;
        for (var t = 0; t < n; t++)
            zeroLag += (values[t] - mean) * (values[t] - mean);
        zeroLag /= n;
        rho.Clear();
        if (!(zeroLag > 0))
            return;
        for (var lag = 0; lag < rho.Length && lag < n; lag++)
        {
            var sum = 0f;
            for (var t = 0; t + lag < n; t++)
                sum += (values[t] - mean) * (values[t + lag] - mean);
            rho[lag] = sum / (n - lag) / zeroLag;
        }
    }

    /// <summary>Local maxima of the onset envelope above <paramref name="threshold"/>, per second.</summary>
    private static float PeakRateHz(ReadOnlySpan<float> envelope, float threshold)
    {
        var peaks = 0;
        for (var t = 1; t + 1 < envelope.Length; t++)
            if (envelope[t] > threshold && envelope[t] > envelope[t - 1] && envelope[t] >= envelope[t + 1])
                peaks++;
        return (float)(peaks * DspLayout.FramesPerSecond / envelope.Length);
    }

    private static float Skewness(ReadOnlySpan<float> values, float mean, float std)
    {
        var sum = 0f;
        foreach (var v in values)
        {
            var z = (v - mean) / std;
            sum += z * z * z;
        }
        return sum / values.Length;
    }

    /// <summary>
    /// Per group of 8 mel bands: how the band level's variance splits over modulation rates 0.5–2, 2–4, 4–8 and
    /// 8–15.6 Hz (phrasing, beats, vibrato and tremolo, roughness), as √(share of the variance).
    /// </summary>
    private void WriteModulation(DspWorkspace workspace, Span<float> embedding)
    {
        const int m = DspLayout.MelBands, g = DspLayout.FluxGroups, frames = DspLayout.Frames, perGroup = m / g;
        const int rates = 4;
        ReadOnlySpan<float> logMel = workspace.LogMel;
        var scratch = workspace.Scratch;
        var envelope = scratch[..DspLayout.ModulationFftLength];
        var power = scratch.Slice(DspLayout.ModulationFftLength, _modulationFft.Bins);
        var fftScratch = scratch.Slice(2 * DspLayout.ModulationFftLength, DspLayout.ModulationFftLength);
        var group = DspLayout.Modulation.Of(embedding);
        var binHz = DspLayout.FramesPerSecond / DspLayout.ModulationFftLength;
        for (var j = 0; j < g; j++)
        {
            envelope.Clear();
            for (var t = 0; t < frames; t++)
                envelope[t] = TensorPrimitives.Sum(logMel.Slice(t * m + j * perGroup, perGroup)) / perGroup;
            var level = TensorPrimitives.Sum(envelope[..frames]) / frames;
            TensorPrimitives.Subtract(envelope[..frames], level, envelope[..frames]);
            _modulationFft.PowerSpectrum(envelope, _modulationWindow, power, fftScratch);
            var total = TensorPrimitives.Sum(power[1..]);
            for (var r = 0; r < rates; r++)
            {
                var first = (int)Math.Ceiling(ModulationEdgesHz[r] / binHz);
                var end = Math.Min(power.Length, (int)Math.Ceiling(ModulationEdgesHz[r + 1] / binHz) + (r == rates - 1 ? 1 : 0));
                var share = total > 0 ? TensorPrimitives.Sum(power[first..end]) / total : 0f;
                group[j * rates + r] = (MathF.Sqrt(share) - ModulationTypical) / ModulationSpread;
            }
        }
    }

    /// <summary>
    /// Frame level in dBFS (mean, std, 10th and 90th percentile), the window's RMS level, the share of active frames.
    /// Frames were analysed at the reference level, so their levels are shifted back by the window's own.
    /// </summary>
    private static void WriteLoudness(DspWorkspace workspace, double windowMeanSquare, Span<float> embedding)
    {
        const int frames = DspLayout.Frames;
        var levels = workspace.Scratch[..frames];
        TensorPrimitives.Add(workspace.Energy, 1e-12f, levels);
        TensorPrimitives.Log10(levels, levels);
        TensorPrimitives.Multiply(levels, 10f, levels);
        TensorPrimitives.Max(levels, TensorPrimitives.Max(levels) - (float)DspLayout.MelRangeDb, levels);
        TensorPrimitives.Add(levels, (float)(10 * Math.Log10(windowMeanSquare / DspLayout.ReferenceMeanSquare)), levels);
        var (mean, std) = FrameStatistics.MeanAndStd(levels);
        levels.Sort();
        var group = DspLayout.Loudness.Of(embedding);
        group[0] = (mean - LevelTypicalDb) / LevelSpreadDb;
        group[1] = std / LevelStdSpreadDb;
        group[2] = (levels[frames / 10] - LevelTypicalDb) / LevelSpreadDb;
        group[3] = (levels[frames * 9 / 10] - LevelTypicalDb) / LevelSpreadDb;
        group[4] = ((float)(10 * Math.Log10(windowMeanSquare)) - LevelTypicalDb) / LevelSpreadDb;
        group[5] = (TensorPrimitives.Sum(workspace.Active) / frames - ActiveTypical) / ActiveSpread;
    }
}
