namespace AudioFunctions.Audio;

/// <summary>
/// What a decode wrote: raw interleaved PCM in <paramref name="Format"/> (always
/// <see cref="PcmEncoding.F32Le"/>, the stream's own rate, one or two channels), <paramref name="Bytes"/>
/// long, a whole number of sample frames.
/// </summary>
public sealed record DecodedPcm(StreamAudioFormat Format, long Bytes);
