using System.Text.Json.Serialization;

namespace AudioFunctions.Sessions;

/// <summary>Source-generated JSON for the documents sessions keep in blobs.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamSession))]
[JsonSerializable(typeof(ActiveSessionTable))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
