using System.Buffers;

namespace AudioFunctions.Embedding;

/// <summary>
/// The per-call working memory of <see cref="DspAudioEmbedder"/>: one pooled array cut into the decimated signal and
/// the frame-by-feature matrices (row-major, one row per frame). Dispose returns the array.
/// </summary>
internal readonly struct DspWorkspace : IDisposable
{
    private const int F = DspLayout.Frames;
    private const int SignalAt = 0;
    private const int PowerAt = SignalAt + DspLayout.AnalysisSamples;
    private const int FftScratchAt = PowerAt + DspLayout.Bins;
    private const int ScratchAt = FftScratchAt + DspLayout.FrameLength;
    private const int ScratchLength = 2048;
    private const int LogMelAt = ScratchAt + ScratchLength;
    private const int EnergyAt = LogMelAt + F * DspLayout.MelBands;
    private const int ActiveAt = EnergyAt + F;
    private const int ShapeAt = ActiveAt + F;
    private const int ContrastAt = ShapeAt + F * DspLayout.ShapeFeatures;
    private const int ChromaAt = ContrastAt + F * 2 * DspLayout.ContrastBands;
    private const int MfccAt = ChromaAt + F * ChromaFilterBank.PitchClasses;
    private const int DeltaMfccAt = MfccAt + F * DspLayout.Mfccs;
    private const int OnsetAt = DeltaMfccAt + F * DspLayout.Mfccs;
    private const int BandFluxAt = OnsetAt + F;
    private const int Length = BandFluxAt + F * DspLayout.FluxGroups;

    private readonly float[] _buffer;

    private DspWorkspace(float[] buffer) => _buffer = buffer;

    public static DspWorkspace Rent() => new(ArrayPool<float>.Shared.Rent(Length));

    /// <summary>The window at 16 kHz.</summary>
    public Span<float> Signal => _buffer.AsSpan(SignalAt, DspLayout.AnalysisSamples);

    /// <summary>One frame's power spectrum, bins 0..512.</summary>
    public Span<float> Power => _buffer.AsSpan(PowerAt, DspLayout.Bins);

    public Span<float> FftScratch => _buffer.AsSpan(FftScratchAt, DspLayout.FrameLength);

    /// <summary>Free space for one step's temporaries.</summary>
    public Span<float> Scratch => _buffer.AsSpan(ScratchAt, ScratchLength);

    /// <summary>Frames × 64 mel bands: first linear power, then dB after <see cref="DspFrameAnalyzer.FinishLogMel"/>.</summary>
    public Span<float> LogMel => _buffer.AsSpan(LogMelAt, F * DspLayout.MelBands);

    /// <summary>Per frame: the power summed over all bins (mean square of the windowed frame).</summary>
    public Span<float> Energy => _buffer.AsSpan(EnergyAt, F);

    /// <summary>Per frame: 1 within <see cref="DspLayout.ActiveRangeDb"/> of the loudest frame, else 0.</summary>
    public Span<float> Active => _buffer.AsSpan(ActiveAt, F);

    /// <summary>Frames × (log2 centroid/kHz, log2 bandwidth/kHz, log2 roll-off/kHz, flatness dB).</summary>
    public Span<float> Shape => _buffer.AsSpan(ShapeAt, F * DspLayout.ShapeFeatures);

    /// <summary>Frames × (7 peak−valley contrasts in dB, 7 valleys in dB relative to the frame's mean bin power).</summary>
    public Span<float> Contrast => _buffer.AsSpan(ContrastAt, F * 2 * DspLayout.ContrastBands);

    /// <summary>Frames × 12 pitch classes, each frame scaled to a maximum of 1.</summary>
    public Span<float> Chroma => _buffer.AsSpan(ChromaAt, F * ChromaFilterBank.PitchClasses);

    public Span<float> Mfcc => _buffer.AsSpan(MfccAt, F * DspLayout.Mfccs);

    public Span<float> DeltaMfcc => _buffer.AsSpan(DeltaMfccAt, F * DspLayout.Mfccs);

    /// <summary>Per frame: mean over bands of the rise in log-mel dB since the previous frame (0 for frame 0).</summary>
    public Span<float> Onset => _buffer.AsSpan(OnsetAt, F);

    /// <summary>Frames × 8 band groups: the same rise, averaged within each group of 8 mel bands.</summary>
    public Span<float> BandFlux => _buffer.AsSpan(BandFluxAt, F * DspLayout.FluxGroups);

    public void Dispose() => ArrayPool<float>.Shared.Return(_buffer);
}
