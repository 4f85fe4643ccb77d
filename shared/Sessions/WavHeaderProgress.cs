namespace AudioFunctions.Sessions;

/// <summary>
/// A WAV stream's header while it is still arriving: the bytes so far (acknowledged, so they live
/// in the record until the header is complete) and the rate and channels the client declared, which
/// the header must agree with.
/// </summary>
/// <param name="Received">Header bytes received so far.</param>
/// <param name="DeclaredSampleRateHz">The rate the client named, or null when it left the header to say.</param>
/// <param name="DeclaredChannels">The channel count the client named, or null.</param>
public sealed record WavHeaderProgress(byte[] Received, int? DeclaredSampleRateHz, int? DeclaredChannels);
