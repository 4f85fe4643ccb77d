using System.Text.Json.Serialization;

namespace AudioFunctions.Spaces;

/// <summary>Where a <see cref="SpaceJob"/> is; the wire names are the lower-case ones.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpaceJobStatus>))]
public enum SpaceJobStatus
{
    /// <summary>Counting the stored tracks.</summary>
    [JsonStringEnumMemberName("counting")]
    Counting,

    /// <summary>Going through the tracks in listing order.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Catching up with tracks stored while the job ran, then switching.</summary>
    [JsonStringEnumMemberName("switching")]
    Switching,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("failed")]
    Failed,
}
