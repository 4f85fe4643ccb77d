using System.Text.Json;

namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// The parameters of CLAP's log-mel features, named after the keys of the model's <c>preprocessor_config.json</c>
/// (transformers' <c>ClapFeatureExtractor.__init__</c>). The defaults are those the released
/// <c>clap-htsat-unfused</c> configuration ships: 64 bands, 48 kHz, hop 480, FFT 1024, 50 Hz–14 kHz, 10 s,
/// <c>"repeatpad"</c>, <c>"rand_trunc"</c> (the class's own default minimum is 0 Hz; the shipped file says 50).
/// </summary>
public sealed record ClapFeatureSettings
{
    /// <summary>The file a model folder may hold to override these defaults.</summary>
    public const string FileName = "preprocessor_config.json";

    /// <summary>The only truncation whose features the unfused model takes: one mel image per window.</summary>
    public const string RandomTruncation = "rand_trunc";

    /// <summary><c>feature_size</c>: mel bands per frame.</summary>
    public int MelBands { get; init; } = 64;

    /// <summary><c>sampling_rate</c>: the rate the samples must already have.</summary>
    public int SampleRateHz { get; init; } = 48_000;

    /// <summary><c>hop_length</c>: samples between frame starts.</summary>
    public int HopLength { get; init; } = 480;

    /// <summary><c>fft_window_size</c> (or <c>n_fft</c> when only that is given): frame, window and FFT length.</summary>
    public int FftWindowSize { get; init; } = 1024;

    /// <summary><c>frequency_min</c>: lower edge of the lowest mel filter.</summary>
    public double FrequencyMinHz { get; init; } = 50;

    /// <summary><c>frequency_max</c>: upper edge of the highest mel filter.</summary>
    public double FrequencyMaxHz { get; init; } = 14_000;

    /// <summary><c>max_length_s</c>: the model window.</summary>
    public int MaxLengthSeconds { get; init; } = 10;

    /// <summary><c>padding</c>: how a shorter clip fills the window.</summary>
    public ClapPadding Padding { get; init; } = ClapPadding.RepeatPad;

    /// <summary><c>truncation</c>: kept as written; only <see cref="RandomTruncation"/> is accepted by the extractor.</summary>
    public string Truncation { get; init; } = RandomTruncation;

    /// <summary>Samples per window: max_length_s · sampling_rate (<c>nb_max_samples</c>; 480,000 by default).</summary>
    public int WindowSamples => MaxLengthSeconds * SampleRateHz;

    /// <summary>
    /// Frames per window: with the window centre-padded by ⌊n/2⌋ on each side (transformers' <c>spectrogram</c>,
    /// <c>center=True</c>), 1 + ⌊(L + 2⌊n/2⌋ − n) / hop⌋; 1001 by default.
    /// </summary>
    public int FrameCount => 1 + (WindowSamples + 2 * (FftWindowSize / 2) - FftWindowSize) / HopLength;

    /// <summary>Floats per window of <c>input_features</c>: <see cref="FrameCount"/> · <see cref="MelBands"/>.</summary>
    public int FeaturesPerWindow => FrameCount * MelBands;

    /// <summary>
    /// Reads <see cref="FileName"/> from <paramref name="modelDirectory"/> when it is there; the defaults otherwise.
    /// </summary>
    public static ClapFeatureSettings Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, FileName);
        return File.Exists(path) ? Parse(File.ReadAllBytes(path)) : new ClapFeatureSettings();
    }

    /// <summary>
    /// Parses a <c>preprocessor_config.json</c>: keys present override the defaults, unknown keys are ignored.
    /// <c>top_db</c> is ignored too: <c>ClapFeatureExtractor</c> stores it but never passes it to <c>spectrogram</c>.
    /// </summary>
    /// <exception cref="JsonException">The text is not a JSON object.</exception>
    /// <exception cref="FormatException">A known key has a value of the wrong kind.</exception>
    public static ClapFeatureSettings Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException($"{FileName} must hold a JSON object.");
        var settings = new ClapFeatureSettings();
        if (TryInt(root, "feature_size", out var bands)) settings = settings with { MelBands = bands };
        if (TryInt(root, "sampling_rate", out var rate)) settings = settings with { SampleRateHz = rate };
        if (TryInt(root, "hop_length", out var hop)) settings = settings with { HopLength = hop };
        if (TryInt(root, "fft_window_size", out var fft) || TryInt(root, "n_fft", out fft)) settings = settings with { FftWindowSize = fft };
        if (TryDouble(root, "frequency_min", out var min)) settings = settings with { FrequencyMinHz = min };
        if (TryDouble(root, "frequency_max", out var max)) settings = settings with { FrequencyMaxHz = max };
        if (TryInt(root, "max_length_s", out var seconds)) settings = settings with { MaxLengthSeconds = seconds };
        if (TryString(root, "padding", out var padding)) settings = settings with { Padding = ParsePadding(padding) };
        if (TryString(root, "truncation", out var truncation)) settings = settings with { Truncation = truncation };
        return settings;
    }

    /// <summary>Throws when the values cannot describe a spectrogram the extractor can compute.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="NotSupportedException">The truncation is not <see cref="RandomTruncation"/>.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MelBands, 1, nameof(MelBands));
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleRateHz, 1, nameof(SampleRateHz));
        ArgumentOutOfRangeException.ThrowIfLessThan(HopLength, 1, nameof(HopLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLengthSeconds, 1, nameof(MaxLengthSeconds));
        if (FftWindowSize < 8 || (FftWindowSize & (FftWindowSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(FftWindowSize), FftWindowSize, "The FFT window must be a power of two of at least 8.");
        if (WindowSamples <= FftWindowSize / 2)
            throw new ArgumentOutOfRangeException(nameof(MaxLengthSeconds), MaxLengthSeconds, "The window must be longer than half an FFT frame to be reflect-padded.");
        if (!(FrequencyMinHz >= 0 && FrequencyMaxHz > FrequencyMinHz && FrequencyMaxHz <= SampleRateHz / 2.0))
            throw new ArgumentOutOfRangeException(nameof(FrequencyMaxHz), FrequencyMaxHz, "The mel range must lie within 0 Hz and the Nyquist rate.");
        // "fusion" stacks four mel images ([batch, 4, frames, bands]) over the HTK bank; the unfused model takes one.
        if (!string.Equals(Truncation, RandomTruncation, StringComparison.Ordinal))
            throw new NotSupportedException($"CLAP truncation '{Truncation}' is not supported: the unfused model takes '{RandomTruncation}' features.");
    }

    private static ClapPadding ParsePadding(string value) => value switch
    {
        "repeatpad" => ClapPadding.RepeatPad,
        "repeat" => ClapPadding.Repeat,
        "pad" => ClapPadding.Pad,
        _ => throw new FormatException($"Unknown CLAP padding '{value}'; expected repeatpad, repeat or pad."),
    };

    private static bool TryInt(JsonElement root, string key, out int value)
    {
        value = 0;
        if (!root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
            return false;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var number) && number == Math.Floor(number) && number is >= 0 and <= int.MaxValue)
        {
            value = (int)number;
            return true;
        }
        throw new FormatException($"'{key}' in {FileName} must be a whole number.");
    }

    private static bool TryDouble(JsonElement root, string key, out double value)
    {
        value = 0;
        if (!root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
            return false;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value))
            return true;
        throw new FormatException($"'{key}' in {FileName} must be a number.");
    }

    private static bool TryString(JsonElement root, string key, out string value)
    {
        value = "";
        if (!root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
            return false;
        if (element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString()!;
            return true;
        }
        throw new FormatException($"'{key}' in {FileName} must be a string.");
    }
}
