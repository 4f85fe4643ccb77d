namespace AudioFunctions.Functions.Http;

/// <summary>The two encodings API bodies come in.</summary>
public enum BodyFormat
{
    MsgPack,
    Json,
}
