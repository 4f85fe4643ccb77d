using System.Numerics.Tensors;

namespace AudioFunctions.Embedding;

/// <summary>
/// The summary pass of <see cref="DspAudioEmbedder"/>: turns the per-frame matrices of a <see cref="DspWorkspace"/>
/// into the feature groups of <see cref="DspLayout"/>, each standardised by the fixed constants below to values of
/// order 1 for typical music, then clamped and weighted. Timbre groups here; rhythm, modulation and loudness in
/// DspSummarizer.Rhythm.cs.
/// </summary>
internal sealed partial class DspSummarizer
{
    // Standardisation: value ← (raw − Typical) / Spread, with Typical and Spread guessed for music, in the raw unit.
    private const float MelMeanSpreadDb = 20f;          // band level relative to the window's mean level
    private const float MelStdTypicalDb = 12f, MelStdSpreadDb = 8f;
    private const float MfccMeanSpread = 40f;           // orthonormal DCT of dB values
    private const float MfccStdSpread = 10f;
    private const float DeltaMfccStdSpread = 3f;
    private const float ContrastTypicalDb = 25f, ContrastSpreadDb = 15f;
    private const float ContrastStdTypicalDb = 6f, ContrastStdSpreadDb = 6f;
    private const float ValleyTypicalDb = -30f, ValleySpreadDb = 15f;
    private const float ChromaMeanTypical = 0.3f, ChromaMeanSpread = 0.25f;
    private const float ChromaStdTypical = 0.25f, ChromaStdSpread = 0.2f;

    // Per spectral-shape feature (log2 centroid/kHz, log2 bandwidth/kHz, log2 roll-off/kHz, flatness dB): typical mean,
    // spread of the mean, and spread of the standard deviation over frames.
    private static readonly float[] ShapeTypical = [0f, 0f, 0.5f, -25f];
    private static readonly float[] ShapeSpread = [1f, 1f, 1f, 10f];
    private static readonly float[] ShapeStdSpread = [0.5f, 0.5f, 0.5f, 5f];

    private readonly float[] _dct; // Mfccs × MelBands: √(2/M)·cos(π·i·(b + ½)/M), i = 1..20

    public DspSummarizer()
    {
        const int m = DspLayout.MelBands;
        _dct = new float[DspLayout.Mfccs * m];
        for (var i = 0; i < DspLayout.Mfccs; i++)
            for (var b = 0; b < m; b++)
                _dct[i * m + b] = (float)(Math.Sqrt(2.0 / m) * Math.Cos(Math.PI * (i + 1) * (b + 0.5) / m));
        _modulationWindow = BuildModulationWindow();
        _tempoLags = BuildTempoLags();
    }

    /// <summary>
    /// Writes every group to <paramref name="embedding"/> (512 floats; reserved dimensions and the silence dimension set
    /// to 0), unnormalised. The workspace's frames were analysed at <see cref="DspLayout.ReferenceMeanSquare"/>;
    /// <paramref name="windowMeanSquare"/> is the mean square of the 48 kHz input as given.
    /// </summary>
    public void Summarize(DspWorkspace workspace, double windowMeanSquare, Span<float> embedding)
    {
        embedding.Clear();
        DspFrameAnalyzer.FinishLogMel(workspace.LogMel);
        WriteLogMel(workspace, embedding);
        WriteMfcc(workspace, embedding);
        WriteShape(workspace, embedding);
        WriteContrast(workspace, embedding);
        WriteChroma(workspace, embedding);
        WriteFluxAndOnsets(workspace, embedding);
        WriteModulation(workspace, embedding);
        WriteLoudness(workspace, windowMeanSquare, embedding);
        foreach (var group in DspLayout.Groups)
        {
            var values = group.Of(embedding);
            TensorPrimitives.Clamp(values, -DspLayout.ClampLimit, DspLayout.ClampLimit, values);
            TensorPrimitives.Multiply(values, group.Scale, values);
        }
    }

    private static void WriteLogMel(DspWorkspace workspace, Span<float> embedding)
    {
        var mean = DspLayout.MelMean.Of(embedding);
        var std = DspLayout.MelStd.Of(embedding);
        FrameStatistics.MeanAndStd(workspace.LogMel, DspLayout.MelBands, default, mean, std, workspace.Scratch);
        // Levels relative to the window's mean level: the spectral envelope, whatever the gain.
        var level = TensorPrimitives.Sum(mean) / mean.Length;
        TensorPrimitives.Subtract(mean, level, mean);
        TensorPrimitives.Multiply(mean, 1f / MelMeanSpreadDb, mean);
        Standardise(std, MelStdTypicalDb, MelStdSpreadDb);
    }

    private void WriteMfcc(DspWorkspace workspace, Span<float> embedding)
    {
        const int m = DspLayout.MelBands, c = DspLayout.Mfccs, frames = DspLayout.Frames;
        ReadOnlySpan<float> logMel = workspace.LogMel;
        var mfcc = workspace.Mfcc;
        for (var t = 0; t < frames; t++)
            for (var i = 0; i < c; i++)
                mfcc[t * c + i] = TensorPrimitives.Dot(_dct.AsSpan(i * m, m), logMel.Slice(t * m, m));

        // Delta by regression over ±2 frames, Δ[t] = (c[t+1] − c[t−1] + 2·(c[t+2] − c[t−2])) / 10, ends clamped.
        var delta = workspace.DeltaMfcc;
        for (var t = 0; t < frames; t++)
        {
            int p1 = Math.Max(t - 1, 0), p2 = Math.Max(t - 2, 0), n1 = Math.Min(t + 1, frames - 1), n2 = Math.Min(t + 2, frames - 1);
            for (var i = 0; i < c; i++)
                delta[t * c + i] = (mfcc[n1 * c + i] - mfcc[p1 * c + i] + 2 * (mfcc[n2 * c + i] - mfcc[p2 * c + i])) / 10f;
        }

        var scratch = workspace.Scratch;
        var deltaMean = scratch.Slice(c, c);
        FrameStatistics.MeanAndStd(mfcc, c, default, DspLayout.MfccMean.Of(embedding), DspLayout.MfccStd.Of(embedding), scratch);
        FrameStatistics.MeanAndStd(delta, c, default, deltaMean, DspLayout.DeltaMfccStd.Of(embedding), scratch[(2 * c)..]);
        TensorPrimitives.Multiply(DspLayout.MfccMean.Of(embedding), 1f / MfccMeanSpread, DspLayout.MfccMean.Of(embedding));
        TensorPrimitives.Multiply(DspLayout.MfccStd.Of(embedding), 1f / MfccStdSpread, DspLayout.MfccStd.Of(embedding));
        TensorPrimitives.Multiply(DspLayout.DeltaMfccStd.Of(embedding), 1f / DeltaMfccStdSpread, DspLayout.DeltaMfccStd.Of(embedding));
    }

    private static void WriteShape(DspWorkspace workspace, Span<float> embedding)
    {
        const int n = DspLayout.ShapeFeatures;
        var group = DspLayout.SpectralShape.Of(embedding);
        FrameStatistics.MeanAndStd(workspace.Shape, n, workspace.Active, group[..n], group[n..], workspace.Scratch);
        for (var i = 0; i < n; i++)
        {
            group[i] = (group[i] - ShapeTypical[i]) / ShapeSpread[i];
            group[n + i] /= ShapeStdSpread[i];
        }
    }

    private static void WriteContrast(DspWorkspace workspace, Span<float> embedding)
    {
        const int b = DspLayout.ContrastBands;
        var group = DspLayout.Contrast.Of(embedding);
        var scratch = workspace.Scratch;
        var mean = scratch[..(2 * b)];
        var std = scratch.Slice(2 * b, 2 * b);
        FrameStatistics.MeanAndStd(workspace.Contrast, 2 * b, workspace.Active, mean, std, scratch[(4 * b)..]);
        // Contrast means, contrast stds, valley means; the valley stds add little and are left out.
        for (var i = 0; i < b; i++)
        {
            group[i] = (mean[i] - ContrastTypicalDb) / ContrastSpreadDb;
            group[b + i] = (std[i] - ContrastStdTypicalDb) / ContrastStdSpreadDb;
            group[2 * b + i] = (mean[b + i] - ValleyTypicalDb) / ValleySpreadDb;
        }
    }

    private static void WriteChroma(DspWorkspace workspace, Span<float> embedding)
    {
        const int p = ChromaFilterBank.PitchClasses;
        var group = DspLayout.Chroma.Of(embedding);
        FrameStatistics.MeanAndStd(workspace.Chroma, p, workspace.Active, group[..p], group[p..], workspace.Scratch);
        Standardise(group[..p], ChromaMeanTypical, ChromaMeanSpread);
        Standardise(group[p..], ChromaStdTypical, ChromaStdSpread);
    }

    /// <summary>values ← (values − typical) / spread.</summary>
    private static void Standardise(Span<float> values, float typical, float spread)
    {
        TensorPrimitives.Subtract(values, typical, values);
        TensorPrimitives.Multiply(values, 1f / spread, values);
    }
}
