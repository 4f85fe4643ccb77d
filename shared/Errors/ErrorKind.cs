namespace AudioFunctions.Errors;

/// <summary>
/// The class of a failure as a client sees it. The function app maps each kind to one HTTP
/// status in one place; the core library never speaks HTTP.
/// </summary>
public enum ErrorKind
{
    BadRequest,
    Unauthorized,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,

    /// <summary>Well-formed but invalid parameters where the reference API answers 422.</summary>
    Unprocessable,
    Unavailable,
}
