using System.Numerics.Tensors;

namespace AudioFunctions.Embedding;

/// <summary>
/// The per-frame pass of <see cref="DspAudioEmbedder"/>: for each 64 ms Hann frame of the 16 kHz signal, the power
/// spectrum (scaled so the bins sum to the frame's mean square), and from it the mel bands, spectral shape, contrast
/// and chroma, written as rows of the workspace's matrices. Tables are built once; a call allocates nothing.
/// </summary>
internal sealed class DspFrameAnalyzer
{
    private const float PowerFloor = 1e-12f; // −120 dB: keeps logarithms finite in digital silence

    private readonly RealFft<float> _fft = new(DspLayout.FrameLength);
    private readonly MelFilterBank _mel = new(DspLayout.MelBands, DspLayout.FrameLength, DspLayout.AnalysisRateHz, DspLayout.MelMinHz, DspLayout.MelMaxHz);
    private readonly ChromaFilterBank _chroma = new(DspLayout.FrameLength, DspLayout.AnalysisRateHz, DspLayout.ChromaMinHz, DspLayout.ChromaMaxHz);
    private readonly float[] _window = new float[DspLayout.FrameLength];
    private readonly float[] _binHz = new float[DspLayout.AnalysisBins];        // bins 1..480
    private readonly float[] _binHzSquared = new float[DspLayout.AnalysisBins];
    private readonly int[] _contrastEdges = new int[DspLayout.ContrastBands + 1]; // first bin of each band, then the end

    public DspFrameAnalyzer()
    {
        // Hann, scaled by √(2 / (N·Σw²)) so that by Parseval the one-sided power bins sum to the frame's mean square.
        var sumSquares = 0.0;
        var hann = new double[DspLayout.FrameLength];
        for (var n = 0; n < hann.Length; n++)
        {
            hann[n] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / hann.Length);
            sumSquares += hann[n] * hann[n];
        }
        var scale = Math.Sqrt(2 / (DspLayout.FrameLength * sumSquares));
        for (var n = 0; n < hann.Length; n++)
            _window[n] = (float)(hann[n] * scale);
        for (var k = 0; k < _binHz.Length; k++)
        {
            _binHz[k] = (float)((k + 1) * DspLayout.BinHz);
            _binHzSquared[k] = _binHz[k] * _binHz[k];
        }
        double[] edgesHz = [0, 200, 400, 800, 1_600, 3_200, 6_400, DspLayout.MaxAnalysisHz];
        for (var b = 0; b < edgesHz.Length; b++)
            _contrastEdges[b] = Math.Max(1, (int)Math.Round(edgesHz[b] / DspLayout.BinHz));
        _contrastEdges[^1] = DspLayout.AnalysisBins + 1;
    }

    /// <summary>Fills every per-frame matrix of <paramref name="workspace"/> from its <see cref="DspWorkspace.Signal"/>.</summary>
    public void Analyze(DspWorkspace workspace)
    {
        ReadOnlySpan<float> signal = workspace.Signal;
        var power = workspace.Power;
        var fftScratch = workspace.FftScratch;
        var logMel = workspace.LogMel;
        var energy = workspace.Energy;
        var shape = workspace.Shape;
        var contrast = workspace.Contrast;
        var chroma = workspace.Chroma;
        for (var t = 0; t < DspLayout.Frames; t++)
        {
            _fft.PowerSpectrum(signal.Slice(t * DspLayout.HopLength, DspLayout.FrameLength), _window, power, fftScratch);
            energy[t] = TensorPrimitives.Sum(power);
            _mel.Apply(power, logMel.Slice(t * DspLayout.MelBands, DspLayout.MelBands));
            Shape(power, shape.Slice(t * DspLayout.ShapeFeatures, DspLayout.ShapeFeatures), fftScratch);
            Contrast(power, contrast.Slice(t * 2 * DspLayout.ContrastBands, 2 * DspLayout.ContrastBands));
            _chroma.Apply(power, chroma.Slice(t * ChromaFilterBank.PitchClasses, ChromaFilterBank.PitchClasses));
        }

        // Frames far below the loudest carry no reliable shape, contrast or chroma.
        var active = workspace.Active;
        var threshold = TensorPrimitives.Max(energy) * (float)Math.Pow(10, -DspLayout.ActiveRangeDb / 10);
        for (var t = 0; t < active.Length; t++)
            active[t] = energy[t] >= threshold && energy[t] > 0 ? 1f : 0f;
    }

    /// <summary>Mel power → dB, floored <see cref="DspLayout.MelRangeDb"/> below the window's loudest band.</summary>
    public static void FinishLogMel(Span<float> logMel)
    {
        var floor = Math.Max(PowerFloor, TensorPrimitives.Max(logMel) * (float)Math.Pow(10, -DspLayout.MelRangeDb / 10));
        TensorPrimitives.Max(logMel, floor, logMel);
        TensorPrimitives.Log10(logMel, logMel);
        TensorPrimitives.Multiply(logMel, 10f, logMel);
    }

    /// <summary>Centroid, bandwidth and 85 % roll-off (as log2 of kHz) and flatness (dB) of bins 1..480.</summary>
    private void Shape(ReadOnlySpan<float> power, Span<float> features, Span<float> scratch)
    {
        var bins = power.Slice(1, DspLayout.AnalysisBins);
        var total = TensorPrimitives.Sum(bins);
        if (!(total > 0))
        {
            features.Clear();
            return;
        }
        var centroid = TensorPrimitives.Dot(bins, _binHz) / total;
        var spread = TensorPrimitives.Dot(bins, _binHzSquared) / total - centroid * centroid;
        var bandwidth = MathF.Sqrt(Math.Max(spread, 0f));
        var target = (float)DspLayout.RolloffFraction * total;
        var cumulative = 0f;
        var rolloff = bins.Length - 1;
        for (var k = 0; k < bins.Length; k++)
        {
            cumulative += bins[k];
            if (cumulative >= target)
            {
                rolloff = k;
                break;
            }
        }
        // Flatness: geometric over arithmetic mean, 10·log10(exp(mean ln P) / mean P).
        var logs = scratch[..bins.Length];
        TensorPrimitives.Add(bins, PowerFloor, logs);
        TensorPrimitives.Log(logs, logs);
        var meanLog = TensorPrimitives.Sum(logs) / bins.Length;
        var flatnessDb = 10f / MathF.Log(10f) * (meanLog - MathF.Log(total / bins.Length + PowerFloor));

        features[0] = MathF.Log2(centroid / 1000f);
        features[1] = MathF.Log2(Math.Max(bandwidth, (float)DspLayout.BinHz) / 1000f);
        features[2] = MathF.Log2(_binHz[rolloff] / 1000f);
        features[3] = flatnessDb;
    }

    /// <summary>
    /// Per octave band: contrast = dB of (mean of the top 5 % of bins) over (mean of the bottom 5 %), and the valley in
    /// dB relative to the frame's mean bin power.
    /// </summary>
    private void Contrast(ReadOnlySpan<float> power, Span<float> features)
    {
        var frameMean = TensorPrimitives.Sum(power.Slice(1, DspLayout.AnalysisBins)) / DspLayout.AnalysisBins + PowerFloor;
        Span<float> top = stackalloc float[16];
        Span<float> bottom = stackalloc float[16];
        for (var b = 0; b < DspLayout.ContrastBands; b++)
        {
            var band = power[_contrastEdges[b].._contrastEdges[b + 1]];
            var k = Math.Clamp((int)Math.Round(DspLayout.ContrastQuantile * band.Length), 1, top.Length);
            SelectExtremes(band, top[..k], bottom[..k]);
            var peak = TensorPrimitives.Sum(top[..k]) / k + PowerFloor;
            var valley = TensorPrimitives.Sum(bottom[..k]) / k + PowerFloor;
            features[b] = 10f * MathF.Log10(peak / valley);
            features[DspLayout.ContrastBands + b] = 10f * MathF.Log10(valley / frameMean);
        }
    }

    /// <summary>The k largest values into <paramref name="top"/> (descending) and the k smallest into <paramref name="bottom"/> (ascending).</summary>
    private static void SelectExtremes(ReadOnlySpan<float> values, Span<float> top, Span<float> bottom)
    {
        top.Fill(float.NegativeInfinity);
        bottom.Fill(float.PositiveInfinity);
        var last = top.Length - 1;
        foreach (var v in values)
        {
            if (v > top[last])
            {
                var i = last;
                for (; i > 0 && top[i - 1] < v; i--)
                    top[i] = top[i - 1];
                top[i] = v;
            }
            if (v < bottom[last])
            {
                var i = last;
                for (; i > 0 && bottom[i - 1] > v; i--)
                    bottom[i] = bottom[i - 1];
                bottom[i] = v;
            }
        }
    }
}
