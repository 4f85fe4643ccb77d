using AudioFunctions.Audio;

namespace AudioFunctions.Embedding.Speech;

/// <summary>
/// The analysis grid of <see cref="SpeechAudioEmbedder"/>: openWakeWord's front end (openwakeword/utils.py,
/// <c>AudioFeatures</c>) applied to one 10 s window. Changing anything here changes the vectors, and so needs a new
/// space version.
/// </summary>
internal static class SpeechLayout
{
    // 48 kHz → 16 kHz, the only rate the mel model is trained for: a 120-tap Kaiser low-pass (β = 7, about 70 dB)
    // with its −6 dB point at 7.3 kHz, as the DSP embedder decimates.
    public const int DecimationFactor = 3;
    public const int DecimatorTapsPerPhase = 40;
    public const double DecimatorCutoffHz = 7_300;
    public const double DecimatorKaiserBeta = 7.0;
    public const int ModelRateHz = AudioWindow.SampleRateHz / DecimationFactor;     // 16_000
    public const int ModelSamples = AudioWindow.Samples / DecimationFactor;         // 160_000

    /// <summary>openWakeWord feeds the mel model 16-bit PCM values as floats, so samples in −1..1 are scaled by 2¹⁵.</summary>
    public const float Int16Scale = 32_768f;
    public const float Int16Min = -32_768f;
    public const float Int16Max = 32_767f;

    // The mel model: 25 ms frames every 10 ms (160 samples) of 32 mel bins; for n samples it gives
    // ⌈n / 160 − 3⌉ frames (openWakeWord's own count in _get_melspectrogram_batch): 997 per window.
    public const int MelHopSamples = 160;
    public const int MelBins = 32;
    public const int MelFrames = (ModelSamples + MelHopSamples - 1) / MelHopSamples - 3;   // 997

    // openWakeWord's _get_melspectrogram rescales the model's dB-like output by x / 10 + 2 to match the
    // TensorFlow front end Google's speech_embedding was trained on.
    public const float MelDivisor = 10f;
    public const float MelOffset = 2f;

    // openWakeWord's _get_embeddings slides a 76-frame (775 ms) window by 8 frames (80 ms) and drops a
    // short tail: (997 − 76) / 8 + 1 = 116 frame embeddings per window.
    public const int EmbeddingWindowFrames = 76;
    public const int EmbeddingStepFrames = 8;
    public const int EmbeddingsPerWindow = (MelFrames - EmbeddingWindowFrames) / EmbeddingStepFrames + 1;   // 116
    public const int EmbeddingInputFloats = EmbeddingWindowFrames * MelBins;                               // 2432
    public const int FrameEmbeddingDimensions = 96;
}
