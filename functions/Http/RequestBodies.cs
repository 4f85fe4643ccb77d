using System.Buffers;
using AudioFunctions.Errors;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Http;

/// <summary>Reads request bodies with a size bound: control bodies as a <see cref="WireValue"/>, frames as raw bytes.</summary>
public static class RequestBodies
{
    /// <summary>Largest msgpack or JSON control body (a 512-float vector is about 5 KB).</summary>
    public const int MaxControlBodyBytes = 1024 * 1024;

    /// <summary>
    /// Parses the body as msgpack or JSON, chosen by <c>Content-Type</c>. An empty body gives null
    /// (the caller decides whether that is allowed); any other type is a 415.
    /// </summary>
    public static async Task<WireValue?> ReadWireAsync(HttpRequest request)
    {
        using var body = await ReadBytesAsync(request, MaxControlBodyBytes, ErrorCodes.BodyTooLarge);
        if (body.Length == 0)
            return null;
        return MediaTypes.FormatOf(request.ContentType) switch
        {
            BodyFormat.MsgPack => MsgPackCodec.Parse(body.Span),
            BodyFormat.Json => JsonCodec.Parse(body.Span),
            _ => throw new ServiceException(ErrorKind.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                $"Send the body as {MediaTypes.MsgPack} or {MediaTypes.Json}; got '{request.ContentType ?? "no Content-Type"}'."),
        };
    }

    /// <summary>Reads the whole body into a pooled buffer; more than <paramref name="maxBytes"/> is a 413.</summary>
    public static async Task<PooledBytes> ReadBytesAsync(HttpRequest request, int maxBytes, string tooLargeCode)
    {
        if (request.ContentLength > maxBytes)
            throw TooLarge(maxBytes, tooLargeCode);

        var capacity = (int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                        throw TooLarge(maxBytes, tooLargeCode);
                    var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1L));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted);
                if (read == 0)
                    break;
                length += read;
                if (length > maxBytes)
                    throw TooLarge(maxBytes, tooLargeCode);
            }
            return new PooledBytes(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static ServiceException TooLarge(int maxBytes, string code) =>
        new(ErrorKind.PayloadTooLarge, code, $"The body may be at most {maxBytes} bytes.");
}
