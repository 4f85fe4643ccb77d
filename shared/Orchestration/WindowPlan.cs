using AudioFunctions.Audio;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Which windows a 48 kHz stream of a given length holds. Window k covers samples
/// [k·hop, k·hop + 480,000). Full windows are cut as soon as the stream covers them; at the end
/// one more, zero-padded window is cut when it holds audio no earlier window covered and at least
/// the minimum duration from its own start.
/// </summary>
public static class WindowPlan
{
    /// <summary>Full windows in a stream of <paramref name="samples"/> samples.</summary>
    public static int FullWindows(long samples, int hopSamples) =>
        samples < AudioWindow.Samples ? 0 : (int)((samples - AudioWindow.Samples) / hopSamples) + 1;

    /// <summary>All windows of a finished stream, the zero-padded tail included when it qualifies.</summary>
    public static int FinalWindows(long samples, int hopSamples, long minTailSamples)
    {
        var full = FullWindows(samples, hopSamples);
        var coveredUpTo = full == 0 ? 0 : (long)(full - 1) * hopSamples + AudioWindow.Samples;
        var tailStart = (long)full * hopSamples;
        var tailHasNewAudio = samples > coveredUpTo;
        var tailLongEnough = samples - tailStart >= Math.Max(1, minTailSamples);
        return tailHasNewAudio && tailLongEnough ? full + 1 : full;
    }

    public static long StartSample(int window, int hopSamples) => (long)window * hopSamples;
}
