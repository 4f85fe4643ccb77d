namespace AudioFunctions.Wire;

/// <summary>
/// A request or response body is not a well-formed value tree. The message is written in plain words so it can be
/// returned to an API client as is (for example "msgpack body is truncated at offset 17" or "duplicate key 'format'").
/// </summary>
/// <remarks>
/// Not sealed: <see cref="MsgPack.MsgPackFormatException"/> derives from it so callers that accept both wire formats
/// need to catch only this type.
/// </remarks>
public class WireFormatException : Exception
{
    public WireFormatException()
        : base("body is not a well-formed value")
    {
    }

    public WireFormatException(string message)
        : base(message)
    {
    }

    public WireFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
