namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// The files of one exported CLAP model (the Hugging Face layout of <c>Xenova/clap-htsat-unfused</c>):
/// <c>audio_model.onnx</c> and <c>text_model.onnx</c> under <c>onnx/</c> or at the root, <c>tokenizer.json</c> and,
/// optionally, <c>preprocessor_config.json</c> at the root. The paths are resolved and checked once, at construction;
/// one instance is meant to be shared by the audio and the text embedder so that the model files are hashed once.
/// </summary>
public sealed class ClapModelFolder
{
    /// <summary>The setting (environment variable form) that names the folder, as error messages name it.</summary>
    public const string DirectorySetting = EmbeddingOptions.ClapModelDirectoryKey;

    public const string AudioModelFileName = "audio_model.onnx";
    public const string TextModelFileName = "text_model.onnx";
    public const string TokenizerFileName = "tokenizer.json";

    /// <summary>Where the Hugging Face export keeps its ONNX files; the root is tried after it.</summary>
    public const string OnnxSubdirectory = "onnx";

    /// <summary>The <see cref="EmbeddingSpace.Embedder"/> of both CLAP embedders.</summary>
    public const string EmbedderName = EmbeddingOptions.Clap;

    /// <summary>
    /// The <see cref="EmbeddingSpace.Version"/>: how this code turns audio and text into the model's inputs (features,
    /// tokens, normalisation). The weights are told apart by the fingerprint, not by this.
    /// </summary>
    public const string EmbedderVersion = "1";

    private readonly Lazy<string> _fingerprint;

    /// <exception cref="FileNotFoundException">The folder or a required file is missing; the message names the
    /// missing path and <see cref="DirectorySetting"/>.</exception>
    public ClapModelFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(Directory))
            throw Missing(Directory, "The CLAP model folder does not exist");
        AudioModelPath = FindModel(AudioModelFileName);
        TextModelPath = FindModel(TextModelFileName);
        TokenizerPath = Path.Combine(Directory, TokenizerFileName);
        if (!File.Exists(TokenizerPath))
            throw Missing(TokenizerPath, "The CLAP model folder has no tokenizer");
        var preprocessor = Path.Combine(Directory, ClapFeatureSettings.FileName);
        PreprocessorConfigPath = File.Exists(preprocessor) ? preprocessor : null;
        // Hashing reads every byte (about 620 MB for the released export: a 118 MB audio and a 502 MB text model),
        // so it waits until a space is first asked for.
        _fingerprint = new Lazy<string>(() => ModelFingerprint.Of(ModelFiles()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    public string AudioModelPath { get; }

    public string TextModelPath { get; }

    public string TokenizerPath { get; }

    /// <summary>The feature settings file, or null when the folder has none (the defaults then apply).</summary>
    public string? PreprocessorConfigPath { get; }

    /// <summary>
    /// The one space of this model's audio and text vectors (the model was trained to put both in it), with
    /// <paramref name="dimensions"/> taken from the model's output. Its <see cref="EmbeddingSpace.Model"/> is
    /// <see cref="ModelFingerprint.Of"/> of the audio model, the text model, the tokenizer and, when present, the
    /// preprocessor configuration, in that order: every file that decides a vector. <c>config.json</c> is left out:
    /// nothing here reads it. The first call hashes the files; later calls reuse the hash.
    /// </summary>
    public EmbeddingSpace Space(int dimensions) => new(EmbedderName, EmbedderVersion, dimensions, _fingerprint.Value);

    /// <summary>The feature settings of this model: <see cref="ClapFeatureSettings.Load"/> of the folder.</summary>
    public ClapFeatureSettings LoadFeatureSettings() => ClapFeatureSettings.Load(Directory);

    private string[] ModelFiles() => PreprocessorConfigPath is null
        ? [AudioModelPath, TextModelPath, TokenizerPath]
        : [AudioModelPath, TextModelPath, TokenizerPath, PreprocessorConfigPath];

    private string FindModel(string fileName)
    {
        var nested = Path.Combine(Directory, OnnxSubdirectory, fileName);
        if (File.Exists(nested))
            return nested;
        var root = Path.Combine(Directory, fileName);
        if (File.Exists(root))
            return root;
        throw Missing(nested, $"The CLAP model folder has no {fileName} (looked for it in {OnnxSubdirectory}/ and at the root)");
    }

    private static FileNotFoundException Missing(string path, string what) =>
        new($"{what}: {path} is missing. The folder is set by {DirectorySetting}; it holds the Hugging Face export " +
            $"of Xenova/clap-htsat-unfused ({OnnxSubdirectory}/{AudioModelFileName}, {OnnxSubdirectory}/{TextModelFileName}, " +
            $"{TokenizerFileName}, {ClapFeatureSettings.FileName}).", path);
}
