using AudioFunctions.Tracks;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Search;

/// <summary>Track fields as the reference API writes them.</summary>
public static class TrackResponses
{
    public static WireValue Metadata(TrackMetadata metadata)
    {
        var fields = new List<KeyValuePair<string, WireValue>>();
        if (metadata.Name is { } name)
            fields.Add(new("name", WireValue.String(name)));
        fields.Add(new("artists", WireValue.Array([.. metadata.Artists.Select(WireValue.String)])));
        if (metadata.Album is { } album)
            fields.Add(new("album", WireValue.String(album)));
        fields.Add(new("genres", WireValue.Array([.. metadata.Genres.Select(WireValue.String)])));
        return WireValue.Map(fields);
    }
}
