using AudioFunctions.Inference;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Inference;

/// <summary>
/// The ONNX Runtime library and the real models scripts/setup.sh fetches into .tools/ (the tests
/// fetch nothing themselves), and one runtime shared by the tests that use them.
/// </summary>
public sealed class OnnxModels : IDisposable
{
    /// <summary>openWakeWord's mel front end: 16 kHz float audio in, 32-bin mel frames out.</summary>
    public static string MelSpectrogram => Path.Combine(RepositoryPaths.Root, ".tools", "openwakeword", "0.1.1", "melspectrogram.onnx");

    /// <summary>openWakeWord's speech embedding: mel frames in, 96-d embeddings out.</summary>
    public static string SpeechEmbedding => Path.Combine(RepositoryPaths.Root, ".tools", "openwakeword", "0.1.1", "embedding_model.onnx");

    public OnnxModels()
    {
        foreach (var file in new[] { new OnnxRuntimeOptions().ResolveLibraryPath(RepositoryPaths.Root), MelSpectrogram, SpeechEmbedding })
            if (!File.Exists(file))
                throw new InvalidOperationException($"{file} is missing: run scripts/setup.sh (test.sh does) to fetch it.");
        Runtime = OnnxRuntime.Load(new OnnxRuntimeOptions(), RepositoryPaths.Root);
    }

    public OnnxRuntime Runtime { get; }

    /// <summary>
    /// A sine at 16 kHz as openWakeWord's front end takes audio: float samples on the int16 scale
    /// (amplitude 16384, half of full scale).
    /// </summary>
    public static float[] Sine16k(double frequencyHz, int samples)
    {
        var audio = new float[samples];
        for (var i = 0; i < samples; i++)
            audio[i] = (float)(16384 * Math.Sin(2 * Math.PI * frequencyHz * i / 16_000));
        return audio;
    }

    public void Dispose() => Runtime.Dispose();
}
