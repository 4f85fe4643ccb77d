using System.Diagnostics.CodeAnalysis;

namespace AudioFunctions.Audio;

/// <summary>The wire names of <see cref="PcmEncoding"/> values and their sample widths.</summary>
public static class PcmEncodingNames
{
    public const string F32Le = "pcm_f32_le";
    public const string S16Le = "pcm_s16_le";
    public const string S24Le = "pcm_s24_le";

    /// <summary>The accepted names, for error messages.</summary>
    public const string All = F32Le + ", " + S16Le + ", " + S24Le;

    public static string ToWireName(this PcmEncoding encoding) => encoding switch
    {
        PcmEncoding.F32Le => F32Le,
        PcmEncoding.S16Le => S16Le,
        PcmEncoding.S24Le => S24Le,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };

    public static bool TryParse(string? name, [NotNullWhen(true)] out PcmEncoding? encoding)
    {
        encoding = name switch
        {
            F32Le => PcmEncoding.F32Le,
            S16Le => PcmEncoding.S16Le,
            S24Le => PcmEncoding.S24Le,
            _ => null,
        };
        return encoding is not null;
    }

    /// <summary>Bytes per sample of one channel.</summary>
    public static int BytesPerSample(this PcmEncoding encoding) => encoding switch
    {
        PcmEncoding.F32Le => 4,
        PcmEncoding.S16Le => 2,
        PcmEncoding.S24Le => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };
}
