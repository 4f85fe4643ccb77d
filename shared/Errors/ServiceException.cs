namespace AudioFunctions.Errors;

/// <summary>
/// A failure the client caused or must know about. <see cref="Code"/> is the stable
/// machine-readable code (see <see cref="ErrorCodes"/>); the message is the human detail.
/// Throwing it means nothing was changed on the client's behalf.
/// </summary>
public sealed class ServiceException(ErrorKind kind, string code, string detail) : Exception(detail)
{
    public ErrorKind Kind { get; } = kind;

    public string Code { get; } = code;

    public static ServiceException BadRequest(string code, string detail) => new(ErrorKind.BadRequest, code, detail);

    public static ServiceException NotFound(string code, string detail) => new(ErrorKind.NotFound, code, detail);

    public static ServiceException Conflict(string code, string detail) => new(ErrorKind.Conflict, code, detail);

    public static ServiceException Unavailable(string code, string detail) => new(ErrorKind.Unavailable, code, detail);
}
