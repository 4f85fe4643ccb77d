using Microsoft.Net.Http.Headers;

namespace AudioFunctions.Functions.Http;

/// <summary>Which <see cref="BodyFormat"/> a <c>Content-Type</c> or <c>Accept</c> header names.</summary>
public static class MediaTypes
{
    public const string MsgPack = "application/msgpack";
    public const string Json = "application/json";
    public const string OctetStream = "application/octet-stream";

    /// <summary>The format a content type names, or null for anything else.</summary>
    public static BodyFormat? FormatOf(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media))
            return null;
        var type = media.MediaType.Value;
        if (type is null)
            return null;
        if (type.Equals(MsgPack, StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/x-msgpack", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/vnd.msgpack", StringComparison.OrdinalIgnoreCase))
            return BodyFormat.MsgPack;
        if (type.Equals(Json, StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            return BodyFormat.Json;
        return null;
    }

    /// <summary>
    /// The response format: what <c>Accept</c> prefers, else the request's own body format, else
    /// msgpack (what the reference sidecar answers).
    /// </summary>
    public static BodyFormat ResponseFormat(HttpRequest request)
    {
        if (MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            foreach (var media in accepted.OrderByDescending(m => m.Quality ?? 1.0))
            {
                if ((media.Quality ?? 1.0) <= 0)
                    continue;
                if (FormatOf(media.MediaType.Value) is { } format)
                    return format;
            }
        }
        return FormatOf(request.ContentType)
            ?? (request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<JsonByDefault>() is null ? BodyFormat.MsgPack : BodyFormat.Json);
    }

    public static string ContentTypeOf(BodyFormat format) => format == BodyFormat.Json ? Json : MsgPack;
}
