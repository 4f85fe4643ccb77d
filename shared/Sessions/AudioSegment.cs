namespace AudioFunctions.Sessions;

/// <summary>
/// One append blob of a session's raw audio. Only the first <see cref="Bytes"/> bytes of the
/// blob are acknowledged audio: bytes past that were appended by a request that never
/// committed (a crash, or a lost race) and are ignored by every reader.
/// </summary>
/// <param name="Index">Position of the segment in the session, from 0.</param>
/// <param name="Bytes">Committed bytes at the start of the blob.</param>
/// <param name="Blocks">Append blocks those bytes used (an append blob holds at most 50,000).</param>
public sealed record AudioSegment(int Index, long Bytes, int Blocks);
