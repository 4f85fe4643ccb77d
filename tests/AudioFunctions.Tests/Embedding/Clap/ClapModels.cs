using AudioFunctions.Embedding.Clap;
using AudioFunctions.Inference;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Embedding.Clap;

/// <summary>
/// One ONNX Runtime, one <see cref="TinyClapModel"/> folder in a temporary directory and the two embedders on it,
/// shared by the tests of a class; the folders a test makes for itself (<see cref="NewFolder"/>) are deleted with it.
/// </summary>
public sealed class ClapModels : IDisposable
{
    private readonly List<string> _directories = [];

    public ClapModels()
    {
        var library = new OnnxRuntimeOptions().ResolveLibraryPath(RepositoryPaths.Root);
        if (!File.Exists(library))
            throw new InvalidOperationException($"{library} is missing: run scripts/setup.sh (test.sh does) to fetch it.");
        Runtime = OnnxRuntime.Load(new OnnxRuntimeOptions(), RepositoryPaths.Root);
        Directory = NewFolder();
        Folder = new ClapModelFolder(Directory);
        Audio = new ClapAudioEmbedder(Runtime, Folder, sessionsPerModel: 2);
        Text = new ClapTextEmbedder(Runtime, Folder, sessionsPerModel: 2);
    }

    public OnnxRuntime Runtime { get; }

    public string Directory { get; }

    public ClapModelFolder Folder { get; }

    public ClapAudioEmbedder Audio { get; }

    public ClapTextEmbedder Text { get; }

    /// <summary>A new temporary folder holding a fresh copy of the tiny model.</summary>
    public string NewFolder()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"tiny-clap-{Guid.NewGuid():N}");
        TinyClapModel.Write(directory);
        lock (_directories)
            _directories.Add(directory);
        return directory;
    }

    public void Dispose()
    {
        Audio.Dispose();
        Text.Dispose();
        Runtime.Dispose();
        foreach (var directory in _directories)
            if (System.IO.Directory.Exists(directory))
                System.IO.Directory.Delete(directory, recursive: true);
    }
}
