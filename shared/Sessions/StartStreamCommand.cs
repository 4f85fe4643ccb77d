using AudioFunctions.Audio;
using AudioFunctions.Tracks;

namespace AudioFunctions.Sessions;

/// <summary>A validated request to open a stream session.</summary>
public sealed record StartStreamCommand(string TrackId, TrackMetadata Metadata, StreamAudioFormat Format);
