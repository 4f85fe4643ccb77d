using System.Buffers;
using System.Numerics.Tensors;
using AudioFunctions.Audio;
using AudioFunctions.Inference;

namespace AudioFunctions.Embedding.Speech;

/// <summary>
/// A 192-d embedding of a 10 s window from openWakeWord's speech front end (space <c>speech-1-m{model}-192</c>): the
/// ONNX ports of a mel spectrogram and of Google's <c>speech_embedding</c> model, run as openWakeWord's
/// <c>AudioFeatures</c> runs them. Windows of speech land close together (cosine), apart from music and noise.
/// </summary>
/// <remarks>
/// <para>
/// Pipeline per window: decimate 48 kHz → 16 kHz by 3 (<see cref="PolyphaseDecimator"/>: the window is whole and the
/// ratio is an integer, so a stateless one-shot decimator fits and is safe to share between threads; the streaming
/// <see cref="Resampler"/> keeps per-stream state and computes arbitrary ratios this does not need); scale to the
/// 16-bit PCM range openWakeWord feeds its mel model (× 32768, clamped to int16); run the mel model on this window
/// alone (it floors its output 80 dB below the loudest value of the whole input tensor, so windows batched together
/// would change each other); rescale x / 10 + 2; cut 116 overlapping inputs of 76 frames every 8 frames. All inputs of
/// all windows of a call go through the embedding model in one run. The 116 frame embeddings of 96 floats of a window
/// are pooled into their per-dimension mean and standard deviation (<see cref="FrameEmbeddingPooling"/>), and the
/// 192 floats are L2-normalised.
/// </para>
/// <para>
/// Cost on one core at one intra-op thread (the speech benchmark): about 0.2 s per window (50× real time), 95 % of it
/// in the embedding model's 116 inputs, about 5 ms in the mel model and 1–4 ms in this code; batching saves little,
/// as the embedding model is bound by arithmetic, not by calls. Rents about 2 MB per call
/// and 1.2 MB more per window from <see cref="ArrayPool{T}.Shared"/> and allocates only the small tensor descriptors.
/// A call holds one session of each model from pools of <c>sessionsPerModel</c>, so that many calls run at once; more
/// wait. Identical input gives bit-identical output on the same machine and library build.
/// </para>
/// </remarks>
public sealed class SpeechAudioEmbedder : IAudioEmbedder, IDisposable
{
    public const string Name = "speech";
    public const string MelModelFile = "melspectrogram.onnx";
    public const string EmbeddingModelFile = "embedding_model.onnx";

    // The setting that names the model folder, as error messages give it.
    private const string ModelDirectorySetting = EmbeddingOptions.SpeechModelDirectoryKey;

    private const string Version = "1";
    private const int Dimensions = 2 * SpeechLayout.FrameEmbeddingDimensions;
    private const float MaxSampleMagnitude = 1f;

    private readonly PolyphaseDecimator _decimator = new(
        SpeechLayout.DecimationFactor, SpeechLayout.DecimatorTapsPerPhase, SpeechLayout.DecimatorCutoffHz,
        AudioWindow.SampleRateHz, SpeechLayout.DecimatorKaiserBeta);
    private readonly OnnxSessionPool _mel;
    private readonly OnnxSessionPool _embedding;
    private readonly string _embeddingOutput;

    /// <summary>
    /// Opens both models from <paramref name="modelDirectory"/> (one session each now, up to
    /// <paramref name="sessionsPerModel"/> each as concurrent calls need them) and fingerprints them.
    /// </summary>
    /// <param name="runtime">The loaded ONNX Runtime, shared; it must outlive this embedder.</param>
    /// <param name="modelDirectory">The folder holding <see cref="MelModelFile"/> and <see cref="EmbeddingModelFile"/>.</param>
    /// <param name="sessionsPerModel">The <see cref="OnnxSessionPool"/> size for each of the two models.</param>
    /// <exception cref="FileNotFoundException">The folder or a model file is missing; the message names the path.</exception>
    /// <exception cref="InvalidOperationException">A model's inputs or outputs are not the ones expected; the message says which.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load a model.</exception>
    public SpeechAudioEmbedder(OnnxRuntime runtime, string modelDirectory, int sessionsPerModel)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(sessionsPerModel, 1);
        if (!Directory.Exists(modelDirectory))
            throw Missing(modelDirectory, "folder");
        var melPath = Path.Combine(modelDirectory, MelModelFile);
        var embeddingPath = Path.Combine(modelDirectory, EmbeddingModelFile);
        foreach (var path in new[] { melPath, embeddingPath })
            if (!File.Exists(path))
                throw Missing(path, "file");

        _mel = new OnnxSessionPool(runtime, melPath, sessionsPerModel);
        try
        {
            SpeechModelContract.CheckMel(melPath, _mel.Inputs, _mel.Outputs);
            _embedding = new OnnxSessionPool(runtime, embeddingPath, sessionsPerModel);
            try
            {
                _embeddingOutput = SpeechModelContract.CheckEmbedding(embeddingPath, _embedding.Inputs, _embedding.Outputs);
                Space = new EmbeddingSpace(Name, Version, Dimensions, ModelFingerprint.Of(melPath, embeddingPath));
            }
            catch
            {
                _embedding.Dispose();
                throw;
            }
        }
        catch
        {
            _mel.Dispose();
            throw;
        }
    }

    public EmbeddingSpace Space { get; }

    /// <inheritdoc />
    /// <remarks>Non-finite samples count as 0 and samples beyond ±1 are clamped (int16 full scale).</remarks>
    /// <exception cref="ArgumentException">The window is not 480,000 samples or the destination not 192 floats.</exception>
    public void Embed(ReadOnlySpan<float> window, Span<float> destination)
    {
        if (window.Length != AudioWindow.Samples)
            throw new ArgumentException($"The window must hold exactly {AudioWindow.Samples} samples (10 s at 48 kHz); got {window.Length}.", nameof(window));
        if (destination.Length != Dimensions)
            throw new ArgumentException($"The destination must hold exactly {Dimensions} floats; got {destination.Length}.", nameof(destination));
        EmbedCore(window, 1, destination);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each window goes through the mel model alone; the embedding model runs once for all windows' 116 inputs each.
    /// The vectors are bit-identical to <see cref="Embed"/>'s. Rents about 2 MB per window for the call.
    /// </remarks>
    /// <exception cref="ArgumentException">The batch is not whole windows, or the destination not 192 floats per window.</exception>
    public void EmbedBatch(ReadOnlySpan<float> windows, Span<float> destination)
    {
        var count = windows.Length / AudioWindow.Samples;
        if (count == 0 || windows.Length % AudioWindow.Samples != 0 || destination.Length != count * Dimensions)
            throw new ArgumentException(
                $"A batch is one or more whole windows of {AudioWindow.Samples} samples and one vector of {Dimensions} per window; " +
                $"got {windows.Length} samples and {destination.Length} floats.");
        EmbedCore(windows, count, destination);
    }

    public void Dispose()
    {
        _mel.Dispose();
        _embedding.Dispose();
    }

    private void EmbedCore(ReadOnlySpan<float> windows, int count, Span<float> destination)
    {
        const int inputsPerWindow = SpeechLayout.EmbeddingsPerWindow * SpeechLayout.EmbeddingInputFloats;
        const int framesPerWindow = SpeechLayout.EmbeddingsPerWindow * SpeechLayout.FrameEmbeddingDimensions;
        var signal = ArrayPool<float>.Shared.Rent(AudioWindow.Samples);
        var mel = ArrayPool<float>.Shared.Rent(SpeechLayout.MelFrames * SpeechLayout.MelBins);
        var inputs = ArrayPool<float>.Shared.Rent(count * inputsPerWindow);
        var frames = ArrayPool<float>.Shared.Rent(count * framesPerWindow);
        try
        {
            using (var lease = _mel.Rent())
            {
                for (var w = 0; w < count; w++)
                {
                    var window = windows.Slice(w * AudioWindow.Samples, AudioWindow.Samples);
                    var melFrames = mel.AsSpan(0, SpeechLayout.MelFrames * SpeechLayout.MelBins);
                    Prepare(window, signal);
                    RunMel(lease.Session, signal.AsMemory(0, SpeechLayout.ModelSamples), melFrames);
                    CutEmbeddingInputs(melFrames, inputs.AsSpan(w * inputsPerWindow, inputsPerWindow));
                }
            }

            using (var lease = _embedding.Rent())
            {
                var input = OnnxTensor.Float(SpeechModelContract.EmbeddingInput, inputs.AsMemory(0, count * inputsPerWindow),
                    count * SpeechLayout.EmbeddingsPerWindow, SpeechLayout.EmbeddingWindowFrames, SpeechLayout.MelBins, 1);
                lease.Session.Run([input], _embeddingOutput, frames.AsSpan(0, count * framesPerWindow));
            }

            for (var w = 0; w < count; w++)
            {
                var vector = destination.Slice(w * Dimensions, Dimensions);
                FrameEmbeddingPooling.MeanAndDeviation(
                    frames.AsSpan(w * framesPerWindow, framesPerWindow), SpeechLayout.FrameEmbeddingDimensions, vector);
                Normalise(vector);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(signal);
            ArrayPool<float>.Shared.Return(mel);
            ArrayPool<float>.Shared.Return(inputs);
            ArrayPool<float>.Shared.Return(frames);
        }
    }

    /// <summary>
    /// Writes the window at 16 kHz on the int16 scale to the first <see cref="SpeechLayout.ModelSamples"/> floats of
    /// <paramref name="work"/> (<see cref="AudioWindow.Samples"/> long: the sanitised 48 kHz copy, when one is needed,
    /// is made there first and decimated into its own start, which the decimator allows as it splits its input first).
    /// Samples are not rounded to integers: the model takes floats, and rounding would only add quantisation noise.
    /// </summary>
    private void Prepare(ReadOnlySpan<float> window, float[] work)
    {
        var signal = work.AsSpan(0, SpeechLayout.ModelSamples);
        // NaN fails the comparison too, so any non-finite sample takes the slow path.
        if (!(TensorPrimitives.MaxMagnitude(window) <= MaxSampleMagnitude))
        {
            var copy = work.AsSpan(0, AudioWindow.Samples);
            for (var i = 0; i < window.Length; i++)
                copy[i] = float.IsFinite(window[i]) ? Math.Clamp(window[i], -MaxSampleMagnitude, MaxSampleMagnitude) : 0f;
            window = copy;
        }
        _decimator.Decimate(window, signal);
        TensorPrimitives.Multiply(signal, SpeechLayout.Int16Scale, signal);
        // The low-pass can ring past full scale near clipped input; int16 cannot hold that.
        TensorPrimitives.Min(signal, SpeechLayout.Int16Max, signal);
        TensorPrimitives.Max(signal, SpeechLayout.Int16Min, signal);
    }

    private static void RunMel(OnnxSession session, ReadOnlyMemory<float> signal, Span<float> melFrames)
    {
        var input = OnnxTensor.Float(SpeechModelContract.MelInput, signal, 1, signal.Length);
        var shape = session.Run([input], SpeechModelContract.MelOutput, melFrames);
        if (shape.Length != 4 || shape[2] != SpeechLayout.MelFrames)
            throw new InvalidOperationException(
                $"The mel model gave [{string.Join(", ", shape)}] for {signal.Length} samples; [1, 1, {SpeechLayout.MelFrames}, {SpeechLayout.MelBins}] was expected.");
        TensorPrimitives.Divide(melFrames, SpeechLayout.MelDivisor, melFrames);
        TensorPrimitives.Add(melFrames, SpeechLayout.MelOffset, melFrames);
    }

    /// <summary>
    /// Input i of the embedding model is mel frames 8·i to 8·i + 75; frames are rows of 32 floats back to back, so
    /// each input is one contiguous copy.
    /// </summary>
    private static void CutEmbeddingInputs(ReadOnlySpan<float> melFrames, Span<float> inputs)
    {
        for (var i = 0; i < SpeechLayout.EmbeddingsPerWindow; i++)
            melFrames.Slice(i * SpeechLayout.EmbeddingStepFrames * SpeechLayout.MelBins, SpeechLayout.EmbeddingInputFloats)
                .CopyTo(inputs.Slice(i * SpeechLayout.EmbeddingInputFloats, SpeechLayout.EmbeddingInputFloats));
    }

    private static void Normalise(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0 && float.IsFinite(norm)))
            throw new InvalidOperationException($"The speech embedding of a window has norm {norm}; the models gave no usable output.");
        TensorPrimitives.Divide(vector, norm, vector);
    }

    private static FileNotFoundException Missing(string path, string what) => new(
        $"The speech model {what} '{path}' does not exist. The folder is set by {ModelDirectorySetting} and " +
        $"scripts/setup.sh fetches the models ({MelModelFile}, {EmbeddingModelFile}) into .tools/openwakeword/.",
        path);
}
