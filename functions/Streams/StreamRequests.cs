using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Sessions;
using AudioFunctions.Tracks;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Streams;

/// <summary>Turns stream request bodies (reference 000 field names) into validated commands.</summary>
public static class StreamRequests
{
    public const int MaxTrackIdLength = 512;
    public const int MaxTextLength = 1024;
    public const int MaxListItems = 64;

    public static StartStreamCommand ParseStart(WireValue? body)
    {
        var map = WireFields.RequireMap(body);
        var trackId = WireFields.RequiredString(map, "track_id", MaxTrackIdLength);
        var format = StreamAudioFormatParser.Parse(
            WireFields.RequiredString(map, "format", 64),
            WireFields.RequiredInteger(map, "sample_rate"),
            WireFields.RequiredInteger(map, "channels"));
        return new StartStreamCommand(trackId, ParseMetadata(WireFields.OptionalMap(map, "metadata")), format);
    }

    /// <summary>The body of <c>end</c> is optional; absent fields take their defaults.</summary>
    public static EndStreamCommand ParseEnd(WireValue? body)
    {
        if (body is null)
            return new EndStreamCommand(Store: true, MinDurationSeconds: null);
        var map = WireFields.RequireMap(body);
        var minDuration = WireFields.OptionalNumber(map, "min_duration_s");
        if (minDuration is < 0)
            throw ServiceException.BadRequest(ErrorCodes.InvalidField, $"min_duration_s must not be negative; got {minDuration}.");
        return new EndStreamCommand(WireFields.OptionalBoolean(map, "store") ?? true, minDuration);
    }

    /// <summary>The <c>seq</c> query parameter: absent, or a non-negative integer.</summary>
    public static long? ParseSeq(HttpRequest request)
    {
        if (!request.Query.TryGetValue("seq", out var values))
            return null;
        return values.Count == 1 && long.TryParse(values[0], System.Globalization.NumberStyles.None, null, out var seq)
            ? seq
            : throw ServiceException.BadRequest(ErrorCodes.InvalidSeq,
                $"seq must be one non-negative integer; got '{values}'.");
    }

    /// <summary>The reference <c>metadata</c> map: name, artists, album, genres (all optional).</summary>
    public static TrackMetadata ParseMetadata(WireValue? metadata) => metadata is null
        ? TrackMetadata.Empty
        : new TrackMetadata
        {
            Name = WireFields.OptionalString(metadata, "name", MaxTextLength, "metadata"),
            Artists = WireFields.OptionalStringList(metadata, "artists", MaxListItems, MaxTextLength, "metadata"),
            Album = WireFields.OptionalString(metadata, "album", MaxTextLength, "metadata"),
            Genres = WireFields.OptionalStringList(metadata, "genres", MaxListItems, MaxTextLength, "metadata"),
        };
}
