namespace AudioFunctions.Audio;

/// <summary>
/// What a WAV (RIFF or RF64) header says about the audio after it.
/// </summary>
/// <param name="Format">Encoding, rate and channel count of the samples in the data chunk.</param>
/// <param name="HeaderBytes">Offset of the first byte of the data chunk's payload: the bytes before it
/// are header, the bytes from it on are interleaved PCM.</param>
/// <param name="DataBytes">Length of the data chunk's payload in bytes, or null when the header leaves
/// it open (a streaming writer that cannot seek back puts 0 or 0xFFFFFFFF there); an open length
/// means the audio runs to the end of the stream.</param>
public readonly record struct WavHeader(StreamAudioFormat Format, int HeaderBytes, long? DataBytes);
