namespace AudioFunctions.Audio;

/// <summary>The fixed analysis window every stream is cut into: 10 s of 48 kHz mono.</summary>
public static class AudioWindow
{
    public const int SampleRateHz = 48_000;
    public const int Seconds = 10;
    public const int Samples = SampleRateHz * Seconds; // 480_000
}
