using AudioFunctions.Audio;

namespace AudioFunctions.Orchestration;

/// <summary>
/// How far the window step has carried a session: raw bytes decoded, the resampler's state after
/// them, 48 kHz samples appended to the session's resampled stream, and windows cut. Saved by
/// compare-and-swap after everything it counts is stored, so a replayed step redoes only work
/// whose results are identical.
/// </summary>
public sealed record WindowCheckpoint
{
    public long RawBytesConsumed { get; init; }

    public required ResamplerState Resampler { get; init; }

    public long ResampledSamples { get; init; }

    /// <summary>Windows cut so far (their indices are 0 .. WindowsCut-1).</summary>
    public int WindowsCut { get; init; }

    /// <summary>True once the end of the stream has been processed: no window will follow.</summary>
    public bool Flushed { get; init; }

    /// <summary>Non-finite input samples replaced by silence so far.</summary>
    public long NonFiniteSamples { get; init; }
}
