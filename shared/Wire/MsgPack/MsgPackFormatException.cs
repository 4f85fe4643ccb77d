using System.Globalization;

namespace AudioFunctions.Wire.MsgPack;

/// <summary>
/// msgpack input is malformed, or an item is not of the type the caller asked for. The message ends with
/// "at offset N" so a client can find the bad byte.
/// </summary>
public sealed class MsgPackFormatException : WireFormatException
{
    /// <param name="problem">The problem in plain words, without the offset (it is appended).</param>
    /// <param name="offset">Byte offset, from the start of the body, of the item where the problem was found.</param>
    public MsgPackFormatException(string problem, int offset)
        : base(string.Create(CultureInfo.InvariantCulture, $"{problem} at offset {offset}"))
    {
        Offset = offset;
    }

    /// <summary>Byte offset, from the start of the body, of the item where the problem was found.</summary>
    public int Offset { get; }
}
