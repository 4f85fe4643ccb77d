namespace AudioFunctions.Audio;

/// <summary>
/// How a client packages the audio bytes it streams: bare PCM, a WAV file (RIFF or RF64 header,
/// then PCM), or a compressed elementary stream that FFmpeg decodes.
/// </summary>
public enum AudioContainer
{
    /// <summary>Interleaved little-endian PCM with no header.</summary>
    Pcm,

    /// <summary>A RIFF/RF64 WAVE file: the header names encoding, rate and channels; PCM follows.</summary>
    Wav,

    /// <summary>MPEG-1/2 Layer III frames (an ID3 tag may come first).</summary>
    Mp3,

    /// <summary>A native FLAC stream (<c>fLaC</c> marker, metadata blocks, frames).</summary>
    Flac,

    /// <summary>AAC in ADTS frames (the self-delimiting framing used for streaming).</summary>
    Aac,
}

public static class AudioContainerExtensions
{
    /// <summary>Whether the bytes must go through a decoder before they are PCM.</summary>
    public static bool IsCompressed(this AudioContainer container) =>
        container is AudioContainer.Mp3 or AudioContainer.Flac or AudioContainer.Aac;
}
