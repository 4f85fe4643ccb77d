using AudioFunctions.Audio;

namespace AudioFunctions.Embedding;

/// <summary>
/// The analysis grid and dimension layout of <see cref="DspAudioEmbedder"/> (space dsp-1-512); see DSP-EMBEDDER.md.
/// Changing anything here changes the vectors, and so needs a new space version.
/// </summary>
internal static class DspLayout
{
    public const int Dimensions = 512;

    // 48 kHz → 16 kHz: a 120-tap Kaiser low-pass (β = 7, about 70 dB) with its −6 dB point at 7.3 kHz.
    public const int DecimationFactor = 3;
    public const int DecimatorTapsPerPhase = 40;
    public const double DecimatorCutoffHz = 7_300;
    public const double DecimatorKaiserBeta = 7.0;
    public const int AnalysisRateHz = AudioWindow.SampleRateHz / DecimationFactor;  // 16_000
    public const int AnalysisSamples = AudioWindow.Samples / DecimationFactor;      // 160_000

    // 64 ms Hann frames every 32 ms: 311 frames of 513 bins, 15.625 Hz apart.
    public const int FrameLength = 1024;
    public const int HopLength = 512;
    public const int Frames = 1 + (AnalysisSamples - FrameLength) / HopLength;      // 311
    public const int Bins = FrameLength / 2 + 1;                                    // 513
    public const double BinHz = (double)AnalysisRateHz / FrameLength;               // 15.625
    public const double FramesPerSecond = (double)AnalysisRateHz / HopLength;       // 31.25
    public const double MaxAnalysisHz = 7_500;                                      // below the decimator's roll-off
    public const int AnalysisBins = (int)(MaxAnalysisHz / BinHz);                   // 480: bins 1..480 for shape features

    public const int MelBands = 64;
    public const double MelMinHz = 50;
    public const double MelMaxHz = MaxAnalysisHz;
    public const double MelRangeDb = 80;   // log-mel is floored this far below the window's loudest band

    public const int Mfccs = 20;           // c1..c20; c0 (overall level) is left to the loudness group
    public const int ShapeFeatures = 4;    // centroid, bandwidth, roll-off, flatness
    public const double RolloffFraction = 0.85;
    public const int ContrastBands = 7;    // 0–200, 200–400, 400–800, 800–1600, 1600–3200, 3200–6400, 6400–7500 Hz
    public const double ContrastQuantile = 0.05;
    public const double ChromaMinHz = 250;
    public const double ChromaMaxHz = 4_000;
    public const int FluxGroups = 8;       // 8 groups of 8 adjacent mel bands
    public const int TempoPoints = 48;
    public const double TempoMinBpm = 60;
    public const double TempoMaxBpm = 200;
    public const int ModulationFftLength = 512;
    public const double ActiveRangeDb = 60;  // frames this far below the loudest frame don't count for shape, contrast, chroma

    /// <summary>
    /// The mean square (−20 dBFS) the 16 kHz signal is scaled to before analysis, so that every feature but loudness
    /// is independent of gain and the fixed floors sit equally far below any window.
    /// </summary>
    public const double ReferenceMeanSquare = 0.01;

    /// <summary>Windows whose mean square is below this (−100 dBFS) are silence.</summary>
    public const double SilenceMeanSquare = 1e-10;

    /// <summary>Samples beyond this magnitude (+18 dBFS), and non-finite ones, are clamped before analysis.</summary>
    public const float MaxSampleMagnitude = 8f;

    public const float ClampLimit = 4f;

    public static readonly DspFeatureGroup MelMean = new("log-mel band mean", 0, MelBands, 1.0f);
    public static readonly DspFeatureGroup MelStd = new("log-mel band std", MelMean.End, MelBands, 0.8f);
    public static readonly DspFeatureGroup MfccMean = new("MFCC 1–20 mean", MelStd.End, Mfccs, 0.8f);
    public static readonly DspFeatureGroup MfccStd = new("MFCC 1–20 std", MfccMean.End, Mfccs, 0.8f);
    public static readonly DspFeatureGroup DeltaMfccStd = new("delta-MFCC 1–20 std", MfccStd.End, Mfccs, 0.6f);
    public static readonly DspFeatureGroup SpectralShape = new("spectral shape", DeltaMfccStd.End, 2 * ShapeFeatures, 0.8f);
    public static readonly DspFeatureGroup Contrast = new("spectral contrast", SpectralShape.End, 3 * ContrastBands, 0.7f);
    public static readonly DspFeatureGroup Chroma = new("chroma", Contrast.End, 2 * ChromaFilterBank.PitchClasses, 0.4f);
    public static readonly DspFeatureGroup BandFlux = new("band onset strength", Chroma.End, 2 * FluxGroups, 0.6f);
    public static readonly DspFeatureGroup Onset = new("onset statistics", BandFlux.End, 8, 0.6f);
    public static readonly DspFeatureGroup Tempo = new("tempo autocorrelation", Onset.End, TempoPoints, 0.5f);
    public static readonly DspFeatureGroup Modulation = new("band modulation", Tempo.End, 4 * FluxGroups, 0.6f);
    public static readonly DspFeatureGroup Loudness = new("loudness", Modulation.End, 6, 0.4f);

    /// <summary>1 for silence, 0 otherwise; the dimensions between <see cref="Loudness"/> and this are reserved (0).</summary>
    public const int SilenceDimension = Dimensions - 1;

    private static readonly DspFeatureGroup[] AllGroups =
        [MelMean, MelStd, MfccMean, MfccStd, DeltaMfccStd, SpectralShape, Contrast, Chroma, BandFlux, Onset, Tempo, Modulation, Loudness];

    public static ReadOnlySpan<DspFeatureGroup> Groups => AllGroups;

    /// <summary>The beats per minute of tempo point <paramref name="index"/>: log-spaced from 60 to 200.</summary>
    public static double TempoBpm(int index) => TempoMinBpm * Math.Pow(TempoMaxBpm / TempoMinBpm, index / (double)(TempoPoints - 1));
}
