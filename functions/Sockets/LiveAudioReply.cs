namespace AudioFunctions.Functions.Sockets;

/// <summary>What the server answers one client message with: a JSON text message, then optionally a close.</summary>
/// <param name="Json">UTF-8 JSON the client receives.</param>
/// <param name="Close">Close the connection after sending <paramref name="Json"/>, or null to keep it.</param>
public sealed record LiveAudioReply(byte[] Json, LiveAudioClose? Close = null);
