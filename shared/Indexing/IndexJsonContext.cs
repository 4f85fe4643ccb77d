using System.Text.Json.Serialization;

namespace AudioFunctions.Indexing;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<IndexedTrack>))]
[JsonSerializable(typeof(AudioFunctions.Tracks.StoredTrack))]
internal sealed partial class IndexJsonContext : JsonSerializerContext;
