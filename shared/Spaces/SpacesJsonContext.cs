using System.Text.Json.Serialization;

namespace AudioFunctions.Spaces;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SpaceSelection))]
[JsonSerializable(typeof(SpaceJob))]
internal sealed partial class SpacesJsonContext : JsonSerializerContext;
