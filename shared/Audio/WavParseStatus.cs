namespace AudioFunctions.Audio;

/// <summary>Outcome of <see cref="WavHeaderReader.TryParse"/>.</summary>
public enum WavParseStatus
{
    /// <summary>The header is complete and supported; the header value is set.</summary>
    Complete,

    /// <summary>Everything so far is a valid start; call again with more bytes.</summary>
    NeedMoreData,

    /// <summary>The bytes are not a WAV file, are malformed, or describe audio we do not take; more bytes cannot change that.</summary>
    Invalid,
}
