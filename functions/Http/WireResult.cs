using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Http;

/// <summary>A response body as a <see cref="WireValue"/>, written as msgpack or JSON as the client asked.</summary>
public sealed class WireResult(WireValue body, int statusCode = StatusCodes.Status200OK) : IResult, IStatusCodeHttpResult
{
    public WireValue Body { get; } = body;

    public int? StatusCode { get; } = statusCode;

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, Body, statusCode);

    public static async Task WriteAsync(HttpContext httpContext, WireValue body, int statusCode)
    {
        var format = MediaTypes.ResponseFormat(httpContext.Request);
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = MediaTypes.ContentTypeOf(format);
        if (format == BodyFormat.Json)
            JsonCodec.Write(body, response.BodyWriter);
        else
            MsgPackCodec.Write(body, response.BodyWriter);
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
