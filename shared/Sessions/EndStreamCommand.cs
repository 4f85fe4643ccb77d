namespace AudioFunctions.Sessions;

/// <summary>A validated request to end a stream session.</summary>
/// <param name="Store">Whether the track's vectors go into the index (the audio is kept either way).</param>
/// <param name="MinDurationSeconds">Shortest audio that makes an audio vector; null takes the configured default.</param>
public sealed record EndStreamCommand(bool Store, double? MinDurationSeconds);
