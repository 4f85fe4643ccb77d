using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using AudioFunctions.Indexing;
using AudioFunctions.Spaces;
using AudioFunctions.Tracks;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Search;

/// <summary>Reference 000's "Flow 2": text embeddings, similarity search and track lookup.</summary>
public static class SearchFunctions
{
    public static readonly FunctionDeclaration EmbedText = FunctionDeclaration.Http("EmbedText", "post", "v1/embed/text");
    public static readonly FunctionDeclaration SearchTracks = FunctionDeclaration.Http("SearchTracks", "post", "v1/tracks/search");
    public static readonly FunctionDeclaration GetTrack = FunctionDeclaration.Http("GetTrack", "get", "v1/tracks/{trackId}");

    public static IEndpointRouteBuilder MapSearchFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHttpFunction(EmbedText, EmbedTextAsync);
        endpoints.MapHttpFunction(SearchTracks, SearchTracksAsync);
        endpoints.MapHttpFunction(GetTrack, GetTrackAsync);
        return endpoints;
    }

    private static async Task<WireResult> EmbedTextAsync(HttpRequest request, ActiveSpaces spaces)
    {
        var (text, space) = SearchRequests.ParseEmbedText(await RequestBodies.ReadWireAsync(request));
        var embedder = await spaces.RequireTextEmbedderAsync(space, request.HttpContext.RequestAborted);
        var embedding = new float[embedder.Space.Dimensions];
        embedder.Embed(text, embedding);
        return new WireResult(WireValue.Map(
            ("embedding", WireValue.FloatArray(embedding)),
            ("text", WireValue.String(text)),
            ("space", WireValue.String(embedder.Space.Id))));
    }

    private static async Task<WireResult> SearchTracksAsync(HttpRequest request, TrackSearch search)
    {
        var (collection, embedding, limit, filter, space) = SearchRequests.ParseSearch(await RequestBodies.ReadWireAsync(request));
        var results = await search.SearchAsync(collection, embedding, limit, filter, space, request.HttpContext.RequestAborted);
        var items = new WireValue[results.Count];
        for (var i = 0; i < items.Length; i++)
            items[i] = WireValue.Map(
                ("track_id", WireValue.String(results[i].TrackId)),
                ("score", WireValue.Float(results[i].Score)),
                ("metadata", TrackResponses.Metadata(results[i].Metadata)));
        return new WireResult(WireValue.Map(
            ("results", WireValue.Array(items)),
            ("count", WireValue.Integer(items.Length))));
    }

    private static async Task<WireResult> GetTrackAsync(string trackId, HttpRequest request, TrackStore tracks, ActiveSpaces spaces)
    {
        var includeAudio = request.Query["include_audio"].ToString() is var flag && (flag.Equals("true", StringComparison.OrdinalIgnoreCase) || flag == "1");
        var cancellationToken = request.HttpContext.RequestAborted;
        var track = (await tracks.GetAsync(trackId, cancellationToken))?.Value
            ?? throw ServiceException.NotFound(ErrorCodes.TrackNotFound, $"No track '{trackId}' is stored.");

        var fields = new List<KeyValuePair<string, WireValue>>
        {
            new("track_id", WireValue.String(track.TrackId)),
            new("metadata", TrackResponses.Metadata(track.Metadata)),
            new("has_text", WireValue.Boolean(track.TextSpaces.Count > 0)),
            new("has_audio", WireValue.Boolean(track.AudioSpaces.Count > 0)),
            new("audio_spaces", WireValue.Array([.. track.AudioSpaces.Select(WireValue.String)])),
            new("text_spaces", WireValue.Array([.. track.TextSpaces.Select(WireValue.String)])),
        };
        // The vector of the active space, or of the first the track has when it is not (yet) in that one.
        var active = spaces.Current.Audio;
        var space = track.AudioSpaces.Contains(active) ? active : track.AudioSpaces.FirstOrDefault();
        if (includeAudio && space is not null && await tracks.GetVectorAsync(trackId, VectorCollection.Audio, space, cancellationToken) is { } vector)
        {
            fields.Add(new("audio_embedding", WireValue.FloatArray(vector)));
            fields.Add(new("audio_space", WireValue.String(space)));
        }
        return new WireResult(WireValue.Map(fields));
    }
}
