namespace AudioFunctions.Functions.Sockets;

/// <summary>A connection accepted into a session.</summary>
/// <param name="SessionId">The session the connection streams into.</param>
/// <param name="Greeting">The first message for a new session (UTF-8 JSON, shaped like an ack with <c>chunk_count</c> 0); null when joining one.</param>
public sealed record LiveAudioOpened(string SessionId, byte[]? Greeting);
