using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// A connection refused before it streams: the close code a WebSocket gets, the HTTP status a Web
/// PubSub connect event is answered with (a 4xx rejects the client), and why.
/// </summary>
public sealed class LiveAudioRejection(int closeCode, int httpStatus, string errorCode, string reason) : Exception(reason)
{
    public int CloseCode { get; } = closeCode;

    public int HttpStatus { get; } = httpStatus;

    /// <summary>The <see cref="ErrorCodes"/> value naming the failure.</summary>
    public string ErrorCode { get; } = errorCode;

    public string Reason => Message;

    /// <summary>The close code of a failure's kind; the HTTP status is the one every response uses for that kind.</summary>
    public static LiveAudioRejection From(ServiceException failure) => new(
        failure.Kind switch
        {
            ErrorKind.PayloadTooLarge => LiveAudioClose.MessageTooBig,
            ErrorKind.Unavailable => LiveAudioClose.TryAgainLater,
            _ => LiveAudioClose.PolicyViolation,
        },
        ErrorResponses.StatusOf(failure.Kind),
        failure.Code,
        failure.Message);
}
