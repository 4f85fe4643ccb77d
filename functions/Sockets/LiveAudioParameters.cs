using System.Globalization;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Sessions;
using AudioFunctions.Tracks;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// The query parameters that open a live session: the reference's <c>user_id</c>,
/// <c>sample_rate</c>, <c>channels</c> and <c>format</c>, plus our <c>track_id</c> and the track's
/// metadata (<c>name</c>, <c>album</c>, comma-separated <c>artists</c> and <c>genres</c>) so a live
/// session is searchable like an HTTP one. Unknown parameters are ignored (gateways add their own).
/// </summary>
public static class LiveAudioParameters
{
    /// <summary>The rates the reference API accepts.</summary>
    public static readonly int[] SampleRatesHz = [8000, 16000, 22050, 44100, 48000, 96000];

    public static readonly int[] ChannelCounts = [1, 2];

    /// <summary>The reference's formats, then our bare PCM encodings.</summary>
    public static readonly string[] Formats = ["wav", "mp3", "flac", "aac", PcmEncodingNames.S16Le, PcmEncodingNames.S24Le, PcmEncodingNames.F32Le];

    public const int MaxUserIdLength = 256;

    /// <summary>
    /// The query as one value per parameter. A parameter given twice is refused rather than guessed
    /// at (<c>channels=2&amp;channels=7</c> has no right reading).
    /// </summary>
    public static Dictionary<string, string> Single(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query)
    {
        var single = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (values.Count > 1)
                throw ServiceException.BadRequest(ErrorCodes.InvalidField, $"Parameter '{Shorten(key)}' is given {values.Count} times; give it once.");
            single[key] = values.Count == 1 ? values[0] ?? "" : "";
        }
        return single;
    }

    public static StartStreamCommand Parse(IReadOnlyDictionary<string, string> query, LiveAudioOptions defaults)
    {
        var declaredRate = OptionalChoice(query, "sample_rate", SampleRatesHz, ErrorCodes.InvalidSampleRate);
        var declaredChannels = OptionalChoice(query, "channels", ChannelCounts, ErrorCodes.InvalidChannels);
        var formatName = query.TryGetValue("format", out var named) ? named : defaults.DefaultFormat;
        if (Array.IndexOf(Formats, formatName) < 0)
            throw ServiceException.BadRequest(ErrorCodes.UnsupportedFormat,
                $"Invalid format '{formatName}'; valid values: {string.Join(", ", Formats)}.");

        var (container, encoding) = formatName switch
        {
            "wav" => (AudioContainer.Wav, PcmEncoding.S16Le), // a WAV without its header is taken as 16-bit PCM
            "mp3" => (AudioContainer.Mp3, PcmEncoding.S16Le),
            "flac" => (AudioContainer.Flac, PcmEncoding.S16Le),
            "aac" => (AudioContainer.Aac, PcmEncoding.S16Le),
            _ => (AudioContainer.Pcm, PcmEncodingNames.TryParse(formatName, out var pcm) ? pcm.Value : PcmEncoding.S16Le),
        };
        var format = new StreamAudioFormat(encoding, declaredRate ?? defaults.DefaultSampleRateHz, declaredChannels ?? defaults.DefaultChannels);
        var metadata = new TrackMetadata
        {
            Name = Optional(query, "name", Streams.StreamRequests.MaxTextLength),
            Album = Optional(query, "album", Streams.StreamRequests.MaxTextLength),
            Artists = List(query, "artists"),
            Genres = List(query, "genres"),
        };
        return new StartStreamCommand(
            Optional(query, "track_id", Streams.StreamRequests.MaxTrackIdLength),
            metadata,
            format,
            container,
            Optional(query, "user_id", MaxUserIdLength),
            container == AudioContainer.Wav ? declaredRate : null,
            container == AudioContainer.Wav ? declaredChannels : null);
    }

    private static int? OptionalChoice(IReadOnlyDictionary<string, string> query, string name, int[] valid, string code)
    {
        if (!query.TryGetValue(name, out var text))
            return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && Array.IndexOf(valid, value) >= 0)
            return value;
        throw ServiceException.BadRequest(code,
            $"Invalid {name} '{Shorten(text)}'; valid values: {string.Join(", ", valid)}.");
    }

    private static string? Optional(IReadOnlyDictionary<string, string> query, string name, int maxLength)
    {
        if (!query.TryGetValue(name, out var text))
            return null;
        if (text.Length == 0 || text.Length > maxLength || string.IsNullOrWhiteSpace(text))
            throw ServiceException.BadRequest(ErrorCodes.InvalidField,
                $"Invalid {name}: it must be 1 to {maxLength} characters and not blank.");
        return text;
    }

    private static string[] List(IReadOnlyDictionary<string, string> query, string name)
    {
        if (Optional(query, name, Streams.StreamRequests.MaxTextLength * 4) is not { } text)
            return [];
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length > Streams.StreamRequests.MaxListItems)
            throw ServiceException.BadRequest(ErrorCodes.InvalidField,
                $"Invalid {name}: at most {Streams.StreamRequests.MaxListItems} comma-separated items.");
        return items;
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
