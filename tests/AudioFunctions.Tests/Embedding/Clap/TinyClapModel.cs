using System.Text.Json.Nodes;
using AudioFunctions.Inference;
using AudioFunctions.Tests.Inference;

namespace AudioFunctions.Tests.Embedding.Clap;

/// <summary>
/// A complete CLAP model folder in miniature, with exactly the export's inputs and outputs
/// (<c>input_features</c> float [batch, 1, 1001, 64] → <c>audio_embeds</c> float [batch, 512];
/// <c>input_ids</c>, <c>attention_mask</c> int64 [batch, sequence] → <c>text_embeds</c> float [batch, 512]) and a
/// joint space in which a word finds the tone it names:
/// <list type="table">
/// <item><term>"low"</term><description>mel bands centred in 200–400 Hz; matches a 300 Hz tone</description></item>
/// <item><term>"middle"</term><description>mel bands centred in 1000–1500 Hz; matches a 1250 Hz tone</description></item>
/// <item><term>"high"</term><description>mel bands centred in 4000–6000 Hz; matches a 5000 Hz tone</description></item>
/// </list>
/// (<see cref="Words"/>, <see cref="WordRangesHz"/>, <see cref="ToneFrequenciesHz"/>, same order).
/// </summary>
/// <remarks>
/// <para>
/// Audio model: the log-mel features averaged over time (ReduceMean over the channel and frame axes) give one dB value
/// per band; times <see cref="SharpnessPerDb"/> and a Softmax over the 64 bands they become a distribution peaked at
/// the bands a tone lies in (softmax(0.1·dB) is power^(1/ln 10), normalised); a MatMul by [64, 512] places band b on
/// dimension b. <see cref="AudioModelOutput"/> is the same computation in C#.
/// </para>
/// <para>
/// Text model: a Gather from an embedding table [vocabulary, 512], times the attention mask (Cast, Unsqueeze, Mul),
/// summed over the tokens (ReduceSum). The word tokens ("low" and "Ġlow", and so on) hold 1 on each dimension of
/// their word's bands; &lt;pad&gt; holds 1 on all 512 dimensions, so padding that leaked past the mask would swamp a
/// text's vector; every other token holds <see cref="OtherTokenWeight"/> on one dimension from 64 up, outside the
/// audio's, so that any text has a direction but unknown words match no tone.
/// </para>
/// <para>
/// Tokenizer: byte-level BPE as RoBERTa's (&lt;s&gt;=0, &lt;pad&gt;=1, &lt;/s&gt;=2, &lt;unk&gt;=3, byte b = 4 + b,
/// then the merges that spell each word with and without its leading space), no prefix space, no truncation section.
/// <c>preprocessor_config.json</c> holds the released clap-htsat-unfused values.
/// </para>
/// Call <see cref="Write"/> with an empty (or new) folder; the files go to <c>onnx/audio_model.onnx</c>,
/// <c>onnx/text_model.onnx</c>, <c>tokenizer.json</c>, <c>preprocessor_config.json</c> and <c>config.json</c>.
/// </remarks>
public static class TinyClapModel
{
    public const int Dimensions = 512;
    public const int Frames = 1001;
    public const int MelBands = 64;
    public const int SampleRateHz = 48_000;

    /// <summary>How sharply the audio model's softmax picks the loudest bands: nats per dB of mean level.</summary>
    public const float SharpnessPerDb = 0.1f;

    /// <summary>The weight of a token that is neither a word nor padding, on its one dimension.</summary>
    public const float OtherTokenWeight = 0.05f;

    public const int PadId = 1;

    /// <summary>The words the text model knows; word i names tone i of <see cref="ToneFrequenciesHz"/>.</summary>
    public static readonly string[] Words = ["low", "middle", "high"];

    /// <summary>The tones the words match, in Hz.</summary>
    public static readonly double[] ToneFrequenciesHz = [300, 1250, 5000];

    /// <summary>Each word's bands are those whose centre lies in its range.</summary>
    public static readonly (double LowHz, double HighHz)[] WordRangesHz = [(200, 400), (1000, 1500), (4000, 6000)];

    /// <summary>The released clap-htsat-unfused <c>preprocessor_config.json</c>, key for key.</summary>
    public const string PreprocessorConfig = """
        {
          "chunk_length_s": 10, "feature_extractor_type": "ClapFeatureExtractor", "feature_size": 64,
          "fft_window_size": 1024, "frequency_max": 14000, "frequency_min": 50, "hop_length": 480,
          "max_length_s": 10, "n_fft": 1024, "nb_frequency_bins": 513, "nb_max_frames": 1000,
          "nb_max_samples": 480000, "padding": "repeatpad", "padding_side": "right", "padding_value": 0.0,
          "processor_class": "ClapProcessor", "return_attention_mask": false, "sampling_rate": 48000,
          "top_db": null, "truncation": "rand_trunc"
        }
        """;

    private const double MinHz = 50;
    private const double MaxHz = 14_000;

    public static string AudioModelPath(string directory) => Path.Combine(directory, "onnx", "audio_model.onnx");

    public static string TextModelPath(string directory) => Path.Combine(directory, "onnx", "text_model.onnx");

    /// <summary>Writes the whole folder (creating it).</summary>
    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var vocabulary = Vocabulary(out var merges);
        AudioModel().Save(AudioModelPath(directory));
        TextModel(vocabulary).Save(TextModelPath(directory));
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), TokenizerJson(vocabulary, merges).ToJsonString());
        File.WriteAllText(Path.Combine(directory, "preprocessor_config.json"), PreprocessorConfig);
        File.WriteAllText(Path.Combine(directory, "config.json"), """{"model_type": "clap", "projection_dim": 512}""");
    }

    /// <summary>A 10 s window at 48 kHz of a sine of <paramref name="frequencyHz"/> at half of full scale.</summary>
    public static float[] Tone(double frequencyHz)
    {
        var samples = new float[SampleRateHz * 10];
        for (var i = 0; i < samples.Length; i++)
            samples[i] = (float)(0.5 * Math.Sin(2 * Math.PI * frequencyHz * i / SampleRateHz));
        return samples;
    }

    /// <summary>The mel bands (0–63) whose centre lies in <paramref name="word"/>'s range.</summary>
    public static int[] BandsOf(string word)
    {
        var index = Array.IndexOf(Words, word);
        if (index < 0)
            throw new ArgumentException($"'{word}' is not one of the tiny model's words.", nameof(word));
        var (low, high) = WordRangesHz[index];
        var bands = new List<int>();
        for (var band = 0; band < MelBands; band++)
        {
            var centre = BandCentreHz(band);
            if (centre >= low && centre <= high)
                bands.Add(band);
        }
        return [.. bands];
    }

    /// <summary>
    /// The centre of Slaney mel band <paramref name="band"/> of 64 over 50 Hz–14 kHz: the band's filter peaks at the
    /// (band + 1)-th of 66 points evenly spaced in mel.
    /// </summary>
    public static double BandCentreHz(int band)
    {
        var (low, high) = (Mel(MinHz), Mel(MaxHz));
        return Hz(low + (high - low) * (band + 1) / (MelBands + 1));
    }

    /// <summary>
    /// What the audio model computes for one window's features ([1001, 64], band fastest), in double: the unnormalised
    /// <c>audio_embeds</c> row.
    /// </summary>
    public static void AudioModelOutput(ReadOnlySpan<float> features, Span<float> destination)
    {
        var means = new double[MelBands];
        for (var t = 0; t < Frames; t++)
            for (var b = 0; b < MelBands; b++)
                means[b] += features[t * MelBands + b];
        var max = double.NegativeInfinity;
        for (var b = 0; b < MelBands; b++)
        {
            means[b] = means[b] / Frames * SharpnessPerDb;
            max = Math.Max(max, means[b]);
        }
        var sum = 0.0;
        for (var b = 0; b < MelBands; b++)
            sum += means[b] = Math.Exp(means[b] - max);
        destination[..Dimensions].Clear();
        for (var b = 0; b < MelBands; b++)
            destination[b] = (float)(means[b] / sum);
    }

    private static OnnxModelWriter AudioModel()
    {
        var placement = new float[MelBands * Dimensions];   // [64, 512]: band b onto dimension b
        for (var b = 0; b < MelBands; b++)
            placement[b * Dimensions + b] = 1;
        return new OnnxModelWriter("tiny_clap_audio")
            .Input("input_features", TensorElementType.Float, "batch", 1, Frames, MelBands)
            .Output("audio_embeds", TensorElementType.Float, "batch", Dimensions)
            .Initializer("sharpness", [SharpnessPerDb], 1)
            .Initializer("placement", placement, MelBands, Dimensions)
            .Node("ReduceMean", ["input_features"], ["band_db"], OnnxAttribute.Ints("axes", 1, 2), OnnxAttribute.Int("keepdims", 0))
            .Node("Mul", ["band_db", "sharpness"], ["logits"])
            .Node("Softmax", ["logits"], ["band_weights"], OnnxAttribute.Int("axis", 1))
            .Node("MatMul", ["band_weights", "placement"], ["audio_embeds"]);
    }

    private static OnnxModelWriter TextModel(Dictionary<string, int> vocabulary)
    {
        var table = new float[vocabulary.Count * Dimensions];
        foreach (var id in vocabulary.Values)
            table[id * Dimensions + 64 + id % (Dimensions - 64)] = OtherTokenWeight;
        Array.Fill(table, 1f, PadId * Dimensions, Dimensions);
        foreach (var word in Words)
        {
            foreach (var token in new[] { word, SpaceSymbol + word })
            {
                var row = table.AsSpan(vocabulary[token] * Dimensions, Dimensions);
                row.Clear();
                foreach (var band in BandsOf(word))
                    row[band] = 1;
            }
        }
        return new OnnxModelWriter("tiny_clap_text")
            .Input("input_ids", TensorElementType.Int64, "batch", "sequence")
            .Input("attention_mask", TensorElementType.Int64, "batch", "sequence")
            .Output("text_embeds", TensorElementType.Float, "batch", Dimensions)
            .Initializer("token_table", table, vocabulary.Count, Dimensions)
            .Initializer("feature_axis", [2L], 1)
            .Initializer("token_axis", [1L], 1)
            .Node("Gather", ["token_table", "input_ids"], ["token_vectors"], OnnxAttribute.Int("axis", 0))
            .Node("Cast", ["attention_mask"], ["mask"], OnnxAttribute.Int("to", (long)TensorElementType.Float))
            .Node("Unsqueeze", ["mask", "feature_axis"], ["mask_column"])
            .Node("Mul", ["token_vectors", "mask_column"], ["kept_vectors"])
            .Node("ReduceSum", ["kept_vectors", "token_axis"], ["text_embeds"], OnnxAttribute.Int("keepdims", 0));
    }

    /// <summary>GPT-2's byte-level symbol of a space.</summary>
    private const string SpaceSymbol = "\u0120";

    private static Dictionary<string, int> Vocabulary(out List<(string Left, string Right)> merges)
    {
        var vocabulary = new Dictionary<string, int> { ["<s>"] = 0, ["<pad>"] = PadId, ["</s>"] = 2, ["<unk>"] = 3 };
        for (var b = 0; b < 256; b++)
            vocabulary[ByteSymbol((byte)b).ToString()] = 4 + b;
        merges = [];
        // Each word is spelled left to right (w[..k] + w[k]), then given its leading-space form; the words share no
        // first pair, so no merge of one word fires inside another.
        foreach (var word in Words)
            for (var k = 1; k < word.Length; k++)
                merges.Add((word[..k], word[k].ToString()));
        foreach (var word in Words)
            merges.Add((SpaceSymbol, word));
        foreach (var (left, right) in merges)
            vocabulary.TryAdd(left + right, vocabulary.Count);
        return vocabulary;
    }

    private static JsonObject TokenizerJson(Dictionary<string, int> vocabulary, List<(string Left, string Right)> merges)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in vocabulary.OrderBy(p => p.Value))
            vocab[token] = id;
        var mergeList = new JsonArray();
        foreach (var (left, right) in merges)
            mergeList.Add(JsonValue.Create($"{left} {right}"));
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(Special(0, "<s>"), Special(PadId, "<pad>"), Special(2, "</s>"), Special(3, "<unk>")),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true,
            },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "RobertaProcessing",
                ["sep"] = new JsonArray("</s>", 2),
                ["cls"] = new JsonArray("<s>", 0),
                ["trim_offsets"] = true,
                ["add_prefix_space"] = false,
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = mergeList,
            },
        };
    }

    private static JsonObject Special(int id, string content) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
        ["normalized"] = false, ["special"] = true,
    };

    /// <summary>GPT-2's bytes_to_unicode: printable bytes stand for themselves, the other 68 take U+0100 on, in order.</summary>
    private static char ByteSymbol(byte value)
    {
        static bool Printable(int b) => b is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE;
        if (Printable(value))
            return (char)value;
        var shifted = 0;
        for (var b = 0; b < value; b++)
            if (!Printable(b))
                shifted++;
        return (char)(0x100 + shifted);
    }

    // Slaney's mel scale (librosa's htk=False): linear below 1 kHz, logarithmic above.
    private static double Mel(double hz) => hz < 1000 ? 3 * hz / 200 : 15 + Math.Log(hz / 1000) * 27 / Math.Log(6.4);

    private static double Hz(double mel) => mel < 15 ? 200 * mel / 3 : 1000 * Math.Exp((mel - 15) * Math.Log(6.4) / 27);
}
