namespace AudioFunctions.Audio;

/// <summary>Interleaved little-endian PCM sample encodings a stream may carry.</summary>
public enum PcmEncoding
{
    /// <summary>32-bit IEEE float, little-endian (<c>pcm_f32_le</c>).</summary>
    F32Le,

    /// <summary>16-bit signed integer, little-endian (<c>pcm_s16_le</c>).</summary>
    S16Le,

    /// <summary>24-bit signed integer packed in 3 bytes, little-endian (<c>pcm_s24_le</c>).</summary>
    S24Le,
}
