using AudioFunctions.Audio;
using AudioFunctions.Tracks;

namespace AudioFunctions.Sessions;

/// <summary>A validated request to open a stream session.</summary>
/// <param name="TrackId">The track the audio is stored as; null lets the session id name it.</param>
/// <param name="Metadata">What the client says about the track.</param>
/// <param name="Format">The PCM shape (for WAV: the declared one; the header decides).</param>
/// <param name="Container">How the bytes are packaged.</param>
/// <param name="UserId">Who opens the session, when the client says.</param>
/// <param name="DeclaredSampleRateHz">For WAV: the rate the client named explicitly (the header must agree), or null.</param>
/// <param name="DeclaredChannels">For WAV: the channel count the client named explicitly, or null.</param>
public sealed record StartStreamCommand(
    string? TrackId,
    TrackMetadata Metadata,
    StreamAudioFormat Format,
    AudioContainer Container = AudioContainer.Pcm,
    string? UserId = null,
    int? DeclaredSampleRateHz = null,
    int? DeclaredChannels = null);
