namespace AudioFunctions.Storage;

/// <summary>Result of a conditional append to an audio segment.</summary>
public enum AppendOutcome
{
    /// <summary>The bytes are durable at the requested offset.</summary>
    Appended,

    /// <summary>The segment is not the length the caller expected: uncommitted bytes sit at its end.</summary>
    PositionMismatch,

    /// <summary>The segment blob does not exist yet.</summary>
    SegmentMissing,

    /// <summary>The segment has no room for more append blocks.</summary>
    SegmentFull,
}
