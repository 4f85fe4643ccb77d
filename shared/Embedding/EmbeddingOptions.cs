using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Embedding;

/// <summary>
/// Which embedders a deployment uses and where their models are (section <c>EMBEDDING</c>). The audio and text
/// embedders named here are the active ones of a fresh deployment; once tracks are stored, the active spaces live
/// in storage and change only through a re-embedding job, so that search never points at a half-filled space.
/// </summary>
public sealed class EmbeddingOptions
{
    public const string Section = "EMBEDDING";

    public const string Dsp = "dsp";
    public const string Speech = "speech";
    public const string Clap = "clap";
    public const string Lexical = "lexical";

    public static readonly IReadOnlyList<string> AudioEmbedders = [Dsp, Speech, Clap];
    public static readonly IReadOnlyList<string> TextEmbedders = [Lexical, Clap];

    /// <summary>The configuration key of <see cref="SpeechModelDirectory"/>, as error messages name it.</summary>
    public const string SpeechModelDirectoryKey = "EMBEDDING__SPEECH_MODEL_DIR";

    /// <summary>The configuration key of <see cref="ClapModelDirectory"/>, as error messages name it.</summary>
    public const string ClapModelDirectoryKey = "EMBEDDING__CLAP_MODEL_DIR";

    /// <summary>The audio embedder: <c>dsp</c> (no model), <c>speech</c> or <c>clap</c>.</summary>
    [ConfigurationKeyName("AUDIO")]
    [AllowedValues(Dsp, Speech, Clap)]
    public string Audio { get; set; } = Dsp;

    /// <summary>The text embedder: <c>lexical</c> (no model) or <c>clap</c>.</summary>
    [ConfigurationKeyName("TEXT")]
    [AllowedValues(Lexical, Clap)]
    public string Text { get; set; } = Lexical;

    /// <summary>
    /// The folder of openWakeWord's <c>melspectrogram.onnx</c> and <c>embedding_model.onnx</c>: absolute, or relative
    /// to the app's content root. scripts/setup.sh fetches them to the default.
    /// </summary>
    [ConfigurationKeyName("SPEECH_MODEL_DIR")]
    [Required(AllowEmptyStrings = false)]
    public string SpeechModelDirectory { get; set; } = Path.Combine(".tools", "openwakeword", "0.1.1");

    /// <summary>
    /// The folder of a CLAP export (<c>Xenova/clap-htsat-unfused</c> layout: <c>onnx/audio_model.onnx</c>,
    /// <c>onnx/text_model.onnx</c>, <c>tokenizer.json</c>, <c>preprocessor_config.json</c>); empty when none is installed.
    /// </summary>
    [ConfigurationKeyName("CLAP_MODEL_DIR")]
    public string ClapModelDirectory { get; set; } = "";

    /// <summary>Windows a model embedder runs through its model at once.</summary>
    [ConfigurationKeyName("BATCH_SIZE")]
    [Range(1, 64)]
    public int BatchSize { get; set; } = 8;

    /// <summary>Seconds between reads of the stored active spaces, so every instance follows a switch.</summary>
    [ConfigurationKeyName("SPACES_REFRESH_S")]
    [Range(0.1, 3600)]
    public double SpacesRefreshSeconds { get; set; } = 5;

    /// <summary>Tracks one step of a re-embedding job handles before it hands on to the next step.</summary>
    [ConfigurationKeyName("JOB_SLICE_TRACKS")]
    [Range(1, 5000)]
    public int JobSliceTracks { get; set; } = 25;
}
