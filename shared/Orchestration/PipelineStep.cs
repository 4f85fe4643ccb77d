namespace AudioFunctions.Orchestration;

/// <summary>The queue-driven steps that turn a session's raw audio into a stored track.</summary>
public enum PipelineStep
{
    /// <summary>Decode an ended compressed stream (MP3, FLAC, AAC) to PCM with FFmpeg, then window it.</summary>
    Decode,

    /// <summary>Decode, mix, resample and cut windows from the audio received so far (or all of it, once ended).</summary>
    Window,

    /// <summary>Embed one window (fan-out: one message per window).</summary>
    Embed,

    /// <summary>Once every window is embedded (fan-in): track and metadata vectors, index, completion.</summary>
    Finalize,

    /// <summary>One slice of a re-embedding or space-deleting job (not of a session).</summary>
    SpaceJob,
}
