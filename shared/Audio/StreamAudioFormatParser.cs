using AudioFunctions.Errors;

namespace AudioFunctions.Audio;

/// <summary>Turns a client's format, rate and channel count into a <see cref="StreamAudioFormat"/>, or a 400 naming what is wrong.</summary>
public static class StreamAudioFormatParser
{
    public static StreamAudioFormat Parse(string encodingName, long sampleRateHz, long channels)
    {
        if (!PcmEncodingNames.TryParse(encodingName, out var encoding))
            throw ServiceException.BadRequest(ErrorCodes.UnsupportedFormat,
                $"format '{encodingName}' is not supported; use one of {PcmEncodingNames.All}.");
        if (sampleRateHz is < 1 or > StreamAudioFormat.MaxSampleRateHz)
            throw ServiceException.BadRequest(ErrorCodes.InvalidSampleRate,
                $"sample_rate must be between 1 and {StreamAudioFormat.MaxSampleRateHz} Hz; got {sampleRateHz}.");
        if (channels is < 1 or > StreamAudioFormat.MaxChannels)
            throw ServiceException.BadRequest(ErrorCodes.InvalidChannels,
                $"channels must be 1 (mono) or 2 (stereo); got {channels}.");
        return new StreamAudioFormat(encoding.Value, (int)sampleRateHz, (int)channels);
    }
}
