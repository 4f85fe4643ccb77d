using AudioFunctions.Embedding.Clap;
using AudioFunctions.Embedding.Speech;
using AudioFunctions.Indexing;

namespace AudioFunctions.Embedding;

public sealed partial class EmbedderCatalog
{
    /// <summary>The embedders that run a model on ONNX Runtime: each loads, or is recorded with what it lacks.</summary>
    private void AddModelEmbedders(string contentRoot, int sessionsPerModel, string? runtimeProblem)
    {
        if (runtime is null)
        {
            var problem = $"ONNX Runtime is not loaded: {runtimeProblem}";
            Unavailable(VectorCollection.Audio, EmbeddingOptions.Speech, problem);
            Unavailable(VectorCollection.Audio, EmbeddingOptions.Clap, problem);
            Unavailable(VectorCollection.Text, EmbeddingOptions.Clap, problem);
            return;
        }

        AddAudio(EmbeddingOptions.Speech, () => new SpeechAudioEmbedder(runtime, Path.GetFullPath(Options.SpeechModelDirectory, contentRoot), sessionsPerModel));

        if (string.IsNullOrWhiteSpace(Options.ClapModelDirectory))
        {
            var problem = $"no CLAP model folder is set: download Xenova/clap-htsat-unfused and set {EmbeddingOptions.ClapModelDirectoryKey} to it.";
            Unavailable(VectorCollection.Audio, EmbeddingOptions.Clap, problem);
            Unavailable(VectorCollection.Text, EmbeddingOptions.Clap, problem);
            return;
        }
        ClapModelFolder? folder = null;
        try
        {
            folder = new ClapModelFolder(Path.GetFullPath(Options.ClapModelDirectory, contentRoot));
        }
        catch (FileNotFoundException e)
        {
            Unavailable(VectorCollection.Audio, EmbeddingOptions.Clap, e.Message);
            Unavailable(VectorCollection.Text, EmbeddingOptions.Clap, e.Message);
            return;
        }
        AddAudio(EmbeddingOptions.Clap, () => new ClapAudioEmbedder(runtime, folder, sessionsPerModel));
        AddText(EmbeddingOptions.Clap, () => new ClapTextEmbedder(runtime, folder, sessionsPerModel));
    }
}
