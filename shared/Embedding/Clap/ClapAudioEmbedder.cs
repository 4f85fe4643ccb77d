using System.Buffers;
using AudioFunctions.Audio;
using AudioFunctions.Inference;

namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// CLAP's audio tower on ONNX Runtime: each 10 s window becomes its log-mel <c>input_features</c>
/// (<see cref="ClapFeatureExtractor"/>, [1001, 64] per window), the model maps a batch of them
/// ([batch, 1, 1001, 64]) to <c>audio_embeds</c> [batch, D], and each row is L2-normalised. Its vectors share
/// <see cref="ClapModelFolder.Space"/> with <see cref="ClapTextEmbedder"/>'s.
/// </summary>
/// <remarks>
/// The model is checked against that contract at construction. Runs go through a pool of sessions
/// (<see cref="OnnxSessionPool"/>), so concurrent callers run in parallel up to the pool's size and wait beyond it.
/// Cost per window: one feature extraction (1001 FFTs of 1024 points) and the model's share of the batch run; the
/// features are written to a pooled buffer of 256 KB per window of the batch.
/// </remarks>
public sealed class ClapAudioEmbedder : IAudioEmbedder, IDisposable
{
    public const string Name = ClapModelFolder.EmbedderName;

    public const string InputName = "input_features";
    public const string OutputName = "audio_embeds";

    private const string Model = "audio model";

    private readonly ClapFeatureExtractor _extractor;
    private readonly OnnxSessionPool _sessions;

    /// <param name="runtime">The loaded ONNX Runtime; not owned.</param>
    /// <param name="folder">The model folder; its preprocessor configuration, when present, sets the features.</param>
    /// <param name="sessionsPerModel">Sessions of the audio model opened at most (runs that go at once).</param>
    /// <exception cref="InvalidOperationException">The model's inputs or output differ from the contract, or the
    /// features are not of <see cref="AudioWindow.SampleRateHz"/> and <see cref="AudioWindow.Samples"/> samples per window.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model.</exception>
    public ClapAudioEmbedder(OnnxRuntime runtime, ClapModelFolder folder, int sessionsPerModel)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(folder);
        var settings = folder.LoadFeatureSettings();
        // The pipeline hands over 10 s at 48 kHz; a model configured for another rate or length would need resampling
        // or another window, which nothing here does.
        if (settings.SampleRateHz != AudioWindow.SampleRateHz || settings.WindowSamples != AudioWindow.Samples)
            throw new InvalidOperationException(
                $"The CLAP feature settings ask for {settings.MaxLengthSeconds} s at {settings.SampleRateHz} Hz; windows are " +
                $"{AudioWindow.Seconds} s at {AudioWindow.SampleRateHz} Hz.");
        _extractor = new ClapFeatureExtractor(settings);
        _sessions = new OnnxSessionPool(runtime, folder.AudioModelPath, sessionsPerModel);
        try
        {
            ClapModelContract.CheckInputs(Model, _sessions.Inputs,
                new OnnxNodeInfo(InputName, TensorElementType.Float,
                    [ClapModelContract.Symbolic, 1, _extractor.FrameCount, _extractor.MelBands]));
            var dimensions = ClapModelContract.CheckEmbeddingOutput(Model, _sessions.Outputs, OutputName);
            Space = folder.Space(dimensions);
        }
        catch
        {
            _sessions.Dispose();
            throw;
        }
    }

    public EmbeddingSpace Space { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The window is not <see cref="AudioWindow.Samples"/> samples, or the
    /// destination is not <see cref="EmbeddingSpace.Dimensions"/> floats.</exception>
    public void Embed(ReadOnlySpan<float> window, Span<float> destination)
    {
        if (window.Length != AudioWindow.Samples)
            throw new ArgumentException($"A window is {AudioWindow.Samples} samples, not {window.Length}.", nameof(window));
        EmbedBatch(window, destination);
    }

    /// <inheritdoc />
    /// <remarks>All windows go through the model in one run; an empty batch runs nothing.</remarks>
    /// <exception cref="ArgumentException">The windows are not whole, or the destination is not one vector per window.</exception>
    public void EmbedBatch(ReadOnlySpan<float> windows, Span<float> destination)
    {
        var samples = AudioWindow.Samples;
        var dimensions = Space.Dimensions;
        if (windows.Length % samples != 0 || destination.Length != windows.Length / samples * dimensions)
            throw new ArgumentException($"A batch is whole windows of {samples} samples and one vector of {dimensions} per window.");
        var count = windows.Length / samples;
        if (count == 0)
            return;

        var perWindow = _extractor.FeaturesPerWindow;
        var features = ArrayPool<float>.Shared.Rent(count * perWindow);
        try
        {
            for (var i = 0; i < count; i++)
                _extractor.Extract(windows.Slice(i * samples, samples), features.AsSpan(i * perWindow, perWindow));
            var input = OnnxTensor.Float(InputName, features.AsMemory(0, count * perWindow), count, 1, _extractor.FrameCount, _extractor.MelBands);
            long[] shape;
            using (var lease = _sessions.Rent())
                shape = lease.Session.Run([input], OutputName, destination);
            if (shape.Length != 2 || shape[0] != count || shape[1] != dimensions)
                throw new InvalidOperationException(
                    $"The CLAP audio model returned {OutputName} of shape [{string.Join(", ", shape)}] for {count} windows; expected [{count}, {dimensions}].");
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
        }

        for (var i = 0; i < count; i++)
            ClapVectors.Normalize(destination.Slice(i * dimensions, dimensions));
    }

    public void Dispose() => _sessions.Dispose();
}
