using AudioFunctions.Audio;

namespace AudioFunctions.Sessions;

/// <summary>The PCM decoded from a compressed stream: one blob of interleaved samples in <paramref name="Format"/>.</summary>
/// <param name="Format">Encoding, rate and channels of the decoded samples.</param>
/// <param name="Bytes">Length of the decoded PCM in bytes.</param>
public sealed record DecodedAudio(StreamAudioFormat Format, long Bytes);
