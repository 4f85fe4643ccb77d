namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// How audio shorter than the model window is brought to the window length, as the <c>padding</c> value of
/// transformers' <c>ClapFeatureExtractor._get_input_mel</c>. The remainder is always zeros.
/// </summary>
public enum ClapPadding
{
    /// <summary><c>"repeatpad"</c>: the clip whole ⌊window / length⌋ times, then zeros to the window length.</summary>
    RepeatPad,

    /// <summary><c>"repeat"</c>: the clip repeated ⌊window / length⌋ + 1 times and cut at the window length.</summary>
    Repeat,

    /// <summary><c>"pad"</c>: the clip once, then zeros.</summary>
    Pad,
}
