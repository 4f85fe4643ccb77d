namespace AudioFunctions.Sessions;

/// <summary>The answer to a stored frame: its bytes are durable when this exists.</summary>
/// <param name="BufferedSeconds">Seconds of whole sample frames received so far.</param>
/// <param name="WindowsCompleted">Windows embedded so far.</param>
/// <param name="NextSeq">Sequence number the next new frame will get.</param>
/// <param name="Duplicate">True when the frame's seq was already stored and nothing was written.</param>
public sealed record FrameAck(double BufferedSeconds, int WindowsCompleted, long NextSeq, bool Duplicate);
