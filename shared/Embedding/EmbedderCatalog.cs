using AudioFunctions.Indexing;
using AudioFunctions.Inference;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Embedding;

/// <summary>
/// Every embedder this instance can run, loaded once at start: <c>dsp</c> and <c>lexical</c> always, <c>speech</c>
/// and <c>clap</c> when ONNX Runtime and their model files are there. One that cannot load is kept as a
/// <see cref="EmbedderStatus"/> naming what is missing and the setting that fixes it, so the app still starts,
/// reports it in <c>/api/health</c> and refuses only the work that needs it. Embedders are looked up by the space
/// their vectors are in, which is how stored vectors find the code that made them.
/// </summary>
public sealed partial class EmbedderCatalog : IDisposable
{
    private readonly List<EmbedderStatus> statuses = [];
    private readonly Dictionary<EmbeddingSpace, IAudioEmbedder> audioBySpace = [];
    private readonly Dictionary<EmbeddingSpace, ITextEmbedder> textBySpace = [];
    private readonly Dictionary<string, IAudioEmbedder> audioByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITextEmbedder> textByName = new(StringComparer.Ordinal);
    private readonly List<IDisposable> owned = [];
    private readonly OnnxRuntime? runtime;

    public EmbedderCatalog(IOptions<EmbeddingOptions> options, IOptions<OnnxRuntimeOptions> runtimeOptions, IHostEnvironment environment, ILogger<EmbedderCatalog> logger)
    {
        Options = options.Value;
        AddAudio(EmbeddingOptions.Dsp, () => new DspAudioEmbedder());
        AddText(EmbeddingOptions.Lexical, () => new LexicalTextEmbedder());

        string? runtimeProblem = null;
        try
        {
            runtime = OnnxRuntime.Load(runtimeOptions.Value, environment.ContentRootPath);
            owned.Add(runtime);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or OnnxRuntimeException or DllNotFoundException)
        {
            runtimeProblem = e.Message;
        }
        AddModelEmbedders(environment.ContentRootPath, runtimeOptions.Value.ResolveSessionsPerModel(), runtimeProblem);

        foreach (var status in statuses)
        {
            var wanted = status.Name == (status.Collection == VectorCollection.Audio ? Options.Audio : Options.Text);
            if (wanted && !status.Ready)
                ConfiguredEmbedderMissing(logger, status.Collection.ToWireName(), status.Name, status.Problem!);
            else if (!status.Ready)
                EmbedderMissing(logger, status.Collection.ToWireName(), status.Name, status.Problem!);
        }
    }

    public EmbeddingOptions Options { get; }

    /// <summary>Each embedder's readiness, audio then text, in the order of <see cref="EmbeddingOptions.AudioEmbedders"/>.</summary>
    public IReadOnlyList<EmbedderStatus> Statuses => statuses;

    /// <summary>The space the configured embedder of <paramref name="collection"/> writes, or null when it cannot run here.</summary>
    public EmbeddingSpace? ConfiguredSpace(VectorCollection collection) =>
        Status(collection, collection == VectorCollection.Audio ? Options.Audio : Options.Text)?.Space;

    public EmbedderStatus? Status(VectorCollection collection, string name) =>
        statuses.FirstOrDefault(s => s.Collection == collection && s.Name == name);

    public IAudioEmbedder? AudioFor(EmbeddingSpace space) => audioBySpace.GetValueOrDefault(space);

    public ITextEmbedder? TextFor(EmbeddingSpace space) => textBySpace.GetValueOrDefault(space);

    public IAudioEmbedder? AudioNamed(string name) => audioByName.GetValueOrDefault(name);

    public ITextEmbedder? TextNamed(string name) => textByName.GetValueOrDefault(name);

    /// <summary>Why no embedder of <paramref name="collection"/> writes <paramref name="space"/> here.</summary>
    public string Missing(VectorCollection collection, EmbeddingSpace space)
    {
        var status = Status(collection, space.Embedder);
        return status switch
        {
            null => $"no {collection.ToWireName()} embedder is called '{space.Embedder}'.",
            { Ready: false } => $"the {collection.ToWireName()} embedder '{space.Embedder}' is not ready: {status.Problem}",
            _ => $"the {collection.ToWireName()} embedder '{space.Embedder}' here writes {status.Space}, not {space}; its model files differ.",
        };
    }

    public void Dispose()
    {
        // Embedders first: their sessions release into the runtime's environment.
        for (var i = owned.Count - 1; i >= 0; i--)
            owned[i].Dispose();
    }

    private void AddAudio(string name, Func<IAudioEmbedder> create) => Add(VectorCollection.Audio, name, create, audioBySpace, audioByName);

    private void AddText(string name, Func<ITextEmbedder> create) => Add(VectorCollection.Text, name, create, textBySpace, textByName);

    private void Add<T>(VectorCollection collection, string name, Func<T> create, Dictionary<EmbeddingSpace, T> bySpace, Dictionary<string, T> byName)
        where T : class
    {
        T embedder;
        try
        {
            embedder = create();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidOperationException or OnnxRuntimeException
            or InvalidDataException or Tokenization.TokenizerFormatException)
        {
            statuses.Add(new EmbedderStatus(collection, name, null, e.Message));
            return;
        }
        if (embedder is IDisposable disposable)
            owned.Add(disposable);
        var space = embedder switch
        {
            IAudioEmbedder audio => audio.Space,
            ITextEmbedder text => text.Space,
            _ => throw new ArgumentException("Not an embedder.", nameof(create)),
        };
        bySpace[space] = embedder;
        byName[name] = embedder;
        statuses.Add(new EmbedderStatus(collection, name, space, null));
    }

    private void Unavailable(VectorCollection collection, string name, string problem) =>
        statuses.Add(new EmbedderStatus(collection, name, null, problem));

    [LoggerMessage(7001, LogLevel.Critical, "The configured {Collection} embedder '{Name}' cannot run: {Problem}")]
    private static partial void ConfiguredEmbedderMissing(ILogger logger, string collection, string name, string problem);

    [LoggerMessage(7002, LogLevel.Information, "The {Collection} embedder '{Name}' is not available: {Problem}")]
    private static partial void EmbedderMissing(ILogger logger, string collection, string name, string problem);
}
