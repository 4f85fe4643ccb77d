using System.Buffers;
using System.Numerics.Tensors;
using AudioFunctions.Audio;

namespace AudioFunctions.Embedding;

/// <summary>
/// A deterministic 512-d embedding of a 10 s window from well-known music-information-retrieval features
/// (space <c>dsp-1-512</c>). No model: the vector summarises timbre, dynamics and rhythm, so windows of the same
/// instrument or texture land close (cosine), whatever their pitch.
/// </summary>
/// <remarks>
/// <para>
/// Analysis: the 48 kHz window is decimated by 3 to 16 kHz (120-tap Kaiser low-pass, −6 dB at 7.3 kHz), scaled to a
/// mean square of −20 dBFS (so only the loudness group depends on gain), cut into
/// 311 Hann frames of 1024 samples (64 ms) every 512 (32 ms), and each frame's power spectrum (own radix-2 real FFT)
/// is folded into 64 HTK-mel bands from 50 Hz to 7.5 kHz; log-mel is in dB, floored 80 dB below the window's
/// loudest band. Statistics run over all frames, except spectral shape, contrast and chroma, which skip frames more
/// than 60 dB below the loudest.
/// </para>
/// <para>
/// Dimensions: each group is standardised by the fixed constants given (all listed in DSP-EMBEDDER.md), clamped to ±4
/// and scaled by weight / √length, so its share of the squared norm is about weight²; then the vector is L2-normalised.
/// </para>
/// <list type="table">
/// <listheader><term>Dims</term><description>Group (weight)</description></listheader>
/// <item><term>0–63</term><description>log-mel band mean, dB relative to the window's mean level, / 20 (1.0)</description></item>
/// <item><term>64–127</term><description>log-mel band std, (dB − 12) / 8 (0.8)</description></item>
/// <item><term>128–147</term><description>MFCC 1–20 mean (orthonormal DCT-II of log-mel dB), / 40 (0.8)</description></item>
/// <item><term>148–167</term><description>MFCC 1–20 std, / 10 (0.8)</description></item>
/// <item><term>168–187</term><description>delta-MFCC 1–20 std (±2-frame regression), / 3 (0.6)</description></item>
/// <item><term>188–195</term><description>centroid, bandwidth, 85 % roll-off (log2 kHz), flatness (dB): means then stds (0.8)</description></item>
/// <item><term>196–216</term><description>spectral contrast of 7 octave bands, top vs bottom 5 % of bins: mean (dB − 25) / 15, std (dB − 6) / 6, valley level (dB + 30) / 15 (0.7)</description></item>
/// <item><term>217–240</term><description>chroma, 12 pitch classes from 250 Hz–4 kHz: mean (x − 0.3) / 0.25, std (x − 0.25) / 0.2 (0.4)</description></item>
/// <item><term>241–256</term><description>onset strength (rise of log-mel dB per frame) per group of 8 mel bands: mean (x − 1.5) / 1.5, std / 3 (0.6)</description></item>
/// <item><term>257–264</term><description>onset envelope: mean, std, max, peak rate, tempo strength, tempo, lag-1 autocorrelation, skewness (0.6)</description></item>
/// <item><term>265–312</term><description>tempo: normalised autocorrelation of the onset envelope at 48 log-spaced points from 60 to 200 BPM, / 0.5 (0.5)</description></item>
/// <item><term>313–344</term><description>modulation: per band group, share of level variance at 0.5–2, 2–4, 4–8, 8–15.6 Hz (0.6)</description></item>
/// <item><term>345–350</term><description>loudness: frame level mean, std, p10, p90; window RMS; active-frame share (0.4)</description></item>
/// <item><term>351–510</term><description>reserved, 0</description></item>
/// <item><term>511</term><description>silence: 1 for a window below −100 dBFS (every other dimension 0), else 0</description></item>
/// </list>
/// <para>
/// Cost: about 3 ms of one core per window (≈ 300 windows/s); rents about 3 MB from <see cref="ArrayPool{T}.Shared"/> per call and
/// allocates nothing. Sums run in a fixed order, so identical input gives bit-identical output on the same machine.
/// </para>
/// </remarks>
public sealed class DspAudioEmbedder : IAudioEmbedder
{
    private readonly PolyphaseDecimator _decimator = new(
        DspLayout.DecimationFactor, DspLayout.DecimatorTapsPerPhase, DspLayout.DecimatorCutoffHz, AudioWindow.SampleRateHz, DspLayout.DecimatorKaiserBeta);
    private readonly DspFrameAnalyzer _analyzer = new();
    private readonly DspSummarizer _summarizer = new();

    public EmbeddingSpace Space { get; } = new("dsp", "1", DspLayout.Dimensions);

    /// <inheritdoc />
    /// <remarks>
    /// Non-finite samples count as 0 and samples beyond ±8 (+18 dBFS) are clamped. A window below −100 dBFS gives
    /// the silence vector: 1 in dimension 511, 0 elsewhere.
    /// </remarks>
    /// <exception cref="ArgumentException">The window is not 480,000 samples or the destination not 512 floats.</exception>
    public void Embed(ReadOnlySpan<float> window, Span<float> destination)
    {
        if (window.Length != AudioWindow.Samples)
            throw new ArgumentException($"The window must hold exactly {AudioWindow.Samples} samples (10 s at 48 kHz); got {window.Length}.", nameof(window));
        if (destination.Length != DspLayout.Dimensions)
            throw new ArgumentException($"The destination must hold exactly {DspLayout.Dimensions} floats; got {destination.Length}.", nameof(destination));

        float[]? sanitized = null;
        try
        {
            // NaN fails the comparison too, so any non-finite sample takes the slow path.
            if (!(TensorPrimitives.MaxMagnitude(window) <= DspLayout.MaxSampleMagnitude))
            {
                sanitized = ArrayPool<float>.Shared.Rent(window.Length);
                window = Sanitize(window, sanitized.AsSpan(0, window.Length));
            }
            var meanSquare = (double)TensorPrimitives.SumOfSquares(window) / window.Length;
            if (!(meanSquare >= DspLayout.SilenceMeanSquare))
            {
                WriteSilence(destination);
                return;
            }
            using var workspace = DspWorkspace.Rent();
            _decimator.Decimate(window, workspace.Signal);
            var gain = (float)Math.Sqrt(DspLayout.ReferenceMeanSquare / meanSquare);
            TensorPrimitives.Multiply(workspace.Signal, gain, workspace.Signal);
            _analyzer.Analyze(workspace);
            _summarizer.Summarize(workspace, meanSquare, destination);
        }
        finally
        {
            if (sanitized is not null)
                ArrayPool<float>.Shared.Return(sanitized);
        }

        var norm = TensorPrimitives.Norm(destination);
        if (norm > 0 && float.IsFinite(norm))
            TensorPrimitives.Divide(destination, norm, destination);
        else
            WriteSilence(destination);
    }

    private static void WriteSilence(Span<float> destination)
    {
        destination.Clear();
        destination[DspLayout.SilenceDimension] = 1f;
    }

    private static ReadOnlySpan<float> Sanitize(ReadOnlySpan<float> window, Span<float> copy)
    {
        for (var i = 0; i < window.Length; i++)
            copy[i] = float.IsFinite(window[i]) ? Math.Clamp(window[i], -DspLayout.MaxSampleMagnitude, DspLayout.MaxSampleMagnitude) : 0f;
        return copy;
    }
}
