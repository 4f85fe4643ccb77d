namespace AudioFunctions.Audio;

/// <summary>
/// The shape of a stream's raw bytes: encoding, rate and interleaved channel count. A sample
/// frame is one sample of every channel; bytes that do not complete a frame are not audio yet.
/// </summary>
public readonly record struct StreamAudioFormat(PcmEncoding Encoding, int SampleRateHz, int Channels)
{
    /// <summary>Highest accepted input rate: 384 kHz, the top rate of professional converters.</summary>
    public const int MaxSampleRateHz = 384_000;

    public const int MaxChannels = 2;

    public int BytesPerFrame => Encoding.BytesPerSample() * Channels;

    /// <summary>Whole sample frames contained in <paramref name="byteCount"/> bytes.</summary>
    public long FramesIn(long byteCount) => byteCount / BytesPerFrame;

    /// <summary>Duration in seconds of the whole frames contained in <paramref name="byteCount"/> bytes.</summary>
    public double SecondsIn(long byteCount) => (double)FramesIn(byteCount) / SampleRateHz;
}
