using Microsoft.AspNetCore.Diagnostics;
using AudioFunctions.Errors;
using AudioFunctions.Indexing.AzureSearch;
using AudioFunctions.Storage;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Http;

/// <summary>
/// The one place failures become responses: <c>{"error": code, "detail": text}</c> with the status
/// of the failure's kind, in the format the client reads.
/// </summary>
internal sealed partial class ErrorResponses(RequestDelegate next, ILogger<ErrorResponses> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            var (status, code, detail) = Classify(exception);
            if (status >= 500)
            {
                if (code == ErrorCodes.StorageUnavailable)
                    StorageUnavailable(logger, context.Request.Path, exception.Message);
                else if (code == ErrorCodes.InternalError)
                    Unhandled(logger, context.Request.Path, exception);
            }
            context.Response.Clear();
            await WireResult.WriteAsync(context, Body(code, detail), status);
        }
    }

    /// <summary>
    /// Gives routing's own 404 and 405 answers (no function at that path, or not for that method)
    /// the same error body as every other failure.
    /// </summary>
    public static Task ForRoutingAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var (code, detail) = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, $"No function answers {http.Request.Method} {http.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.MethodNotAllowed, $"{http.Request.Path} does not answer {http.Request.Method}."),
            _ => (null, null),
        };
        return code is null ? Task.CompletedTask : WireResult.WriteAsync(http, Body(code, detail!), http.Response.StatusCode);
    }

    public static WireValue Body(string code, string detail) =>
        WireValue.Map(("error", WireValue.String(code)), ("detail", WireValue.String(detail)));

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static (int Status, string Code, string Detail) Classify(Exception exception) => exception switch
    {
        ServiceException service => (StatusOf(service.Kind), service.Code, service.Message),
        WireFormatException wire => (StatusCodes.Status400BadRequest, ErrorCodes.MalformedBody, wire.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge, "The request body is too large."),
        BadHttpRequestException bad => (StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, bad.Message),
        AzureSearchRequestException { IsTransient: true } =>
            (StatusCodes.Status503ServiceUnavailable, ErrorCodes.SearchUnavailable, "The search service is unavailable. Retry later."),
        _ when StorageFailures.IsUnavailable(exception) || exception is OperationCanceledException =>
            // A storage call that timed out surfaces as a cancellation the client did not ask for.
            (StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable,
                "Storage is unavailable; nothing from this request was stored. Retry later."),
        _ => (StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "An unexpected error occurred."),
    };

    [LoggerMessage(3001, LogLevel.Warning, "Storage unavailable while serving {Path}: {Reason}")]
    private static partial void StorageUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(3002, LogLevel.Error, "Unhandled failure while serving {Path}")]
    private static partial void Unhandled(ILogger logger, string path, Exception exception);
}
