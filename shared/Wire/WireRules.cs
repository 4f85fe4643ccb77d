namespace AudioFunctions.Wire;

/// <summary>Limits and client-facing wording shared by both codecs, so msgpack and JSON reject the same trees.</summary>
internal static class WireRules
{
    /// <summary>
    /// Containers may nest this many levels (a top-level array is level 1). Parsers recurse once per level, so the
    /// bound is also what keeps hostile input from exhausting the stack.
    /// </summary>
    public const int MaxDepth = 64;

    // Keys are echoed back to API clients; a multi-kilobyte key would drown the message.
    private const int MaxKeyLengthInMessage = 64;

    public static string NestingTooDeep { get; } = $"nesting deeper than {MaxDepth} levels";

    public static string DuplicateKey(string key)
    {
        string shown = key.Length <= MaxKeyLengthInMessage ? key : string.Concat(key.AsSpan(0, MaxKeyLengthInMessage), "…");
        return $"duplicate key '{shown}'";
    }
}
