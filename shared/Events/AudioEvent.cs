using System.Text.Json.Nodes;

namespace AudioFunctions.Events;

/// <summary>
/// One event, written as a CloudEvents 1.0 structured JSON document. Events point at stored data
/// (blob names, ids) and never carry audio.
/// </summary>
public sealed record AudioEvent(string Type, string Subject, JsonObject Data)
{
    public const string Source = "/audiofunctions";

    public string Id { get; init; } = Guid.NewGuid().ToString("D");

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public static AudioEvent ForSession(string type, string sessionId, JsonObject data) => new(type, $"sessions/{sessionId}", data);

    public string ToCloudEventJson() => new JsonObject
    {
        ["specversion"] = "1.0",
        ["id"] = Id,
        ["source"] = Source,
        ["type"] = Type,
        ["subject"] = Subject,
        ["time"] = Time.ToString("O"),
        ["datacontenttype"] = "application/json",
        ["data"] = Data.DeepClone(),
    }.ToJsonString();
}
