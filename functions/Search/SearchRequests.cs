using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Functions.Streams;
using AudioFunctions.Indexing;
using AudioFunctions.Tracks;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Search;

/// <summary>Turns search request bodies (reference 000's field names) into validated queries.</summary>
public static class SearchRequests
{
    public const int MaxTextLength = 10_000;
    public const int MaxEmbeddingLength = 8192;
    public const int MaxExcludedIds = 10_000;
    public const int DefaultLimit = 10;

    /// <summary><c>text</c>, or <c>metadata</c> rendered as one text: exactly one of them; and an optional <c>space</c>.</summary>
    public static (string Text, EmbeddingSpace? Space) ParseEmbedText(WireValue? body)
    {
        var map = WireFields.RequireMap(body);
        var text = WireFields.OptionalString(map, "text", MaxTextLength);
        var metadata = WireFields.OptionalMap(map, "metadata");
        if ((text is null) == (metadata is null))
            throw ServiceException.BadRequest(ErrorCodes.InvalidRequest, "Send either text or metadata.");
        var rendered = text ?? TrackText.Render(StreamRequests.ParseMetadata(metadata));
        if (string.IsNullOrWhiteSpace(rendered))
            throw ServiceException.BadRequest(ErrorCodes.InvalidField, text is null ? "metadata holds no text." : "text must not be empty.");
        return (rendered, ParseSpace(map));
    }

    /// <summary>The optional <c>space</c> field: an embedding space id such as <c>dsp-1-512</c>.</summary>
    public static EmbeddingSpace? ParseSpace(WireValue map)
    {
        if (WireFields.OptionalString(map, "space", 200) is not { } id)
            return null;
        return EmbeddingSpace.TryParse(id, out var space)
            ? space
            : throw ServiceException.BadRequest(ErrorCodes.InvalidSpace, $"space '{id}' is not an embedding space id (embedder-version[-mMODEL]-dimensions, e.g. dsp-1-512).");
    }

    public static (VectorCollection Collection, float[] Embedding, int Limit, SearchFilter Filter, EmbeddingSpace? Space) ParseSearch(WireValue? body)
    {
        var map = WireFields.RequireMap(body);
        var collectionName = WireFields.RequiredString(map, "collection", 64);
        if (!VectorCollectionNames.TryParse(collectionName, out var collection))
            throw ServiceException.BadRequest(ErrorCodes.UnknownCollection,
                $"collection '{collectionName}' does not exist; use {VectorCollectionNames.Text} or {VectorCollectionNames.Audio}.");
        var embedding = ParseEmbedding(WireFields.Required(map, "embedding"));
        var limit = WireFields.Optional(map, "limit") is null ? DefaultLimit : WireFields.RequiredInteger(map, "limit");
        if (limit is < 1 or > TrackSearch.MaxLimit)
            throw ServiceException.BadRequest(ErrorCodes.InvalidLimit, $"limit must be between 1 and {TrackSearch.MaxLimit}; got {limit}.");
        return (collection, embedding, (int)limit, ParseFilter(WireFields.OptionalMap(map, "filter")), ParseSpace(map));
    }

    private static float[] ParseEmbedding(WireValue value)
    {
        if (value.Kind != WireKind.Array)
            throw ServiceException.BadRequest(ErrorCodes.InvalidEmbedding, "embedding must be a list of numbers.");
        var items = value.AsArray();
        if (items.Count is 0 or > MaxEmbeddingLength)
            throw ServiceException.BadRequest(ErrorCodes.InvalidEmbedding, $"embedding must hold 1 to {MaxEmbeddingLength} numbers; got {items.Count}.");
        var embedding = new float[items.Count];
        for (var i = 0; i < embedding.Length; i++)
        {
            if (!items[i].TryGetDouble(out var number) || !double.IsFinite(number))
                throw ServiceException.BadRequest(ErrorCodes.InvalidEmbedding, $"embedding[{i}] must be a finite number.");
            embedding[i] = (float)number;
        }
        return embedding;
    }

    private static SearchFilter ParseFilter(WireValue? filter)
    {
        if (filter is null)
            return SearchFilter.None;
        var excluded = WireFields.OptionalStringList(filter, "exclude_ids", MaxExcludedIds, StreamRequests.MaxTrackIdLength, "filter");
        return new SearchFilter(
            new HashSet<string>(excluded, StringComparer.Ordinal),
            WireFields.OptionalString(filter, "artist", StreamRequests.MaxTextLength, "filter"),
            WireFields.OptionalString(filter, "album", StreamRequests.MaxTextLength, "filter"),
            WireFields.OptionalString(filter, "genre", StreamRequests.MaxTextLength, "filter"));
    }
}
