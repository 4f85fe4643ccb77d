namespace AudioFunctions.Audio;

/// <summary>What the first bytes of a stream say about it being a WAV file.</summary>
public enum WavProbe
{
    /// <summary>The bytes so far match the start of a WAV file, but are fewer than the 12 that decide.</summary>
    NeedMoreData,

    /// <summary>"RIFF" or "RF64" at byte 0 and "WAVE" at byte 8.</summary>
    Wav,

    /// <summary>The bytes already differ from every WAV file start.</summary>
    NotWav,
}
