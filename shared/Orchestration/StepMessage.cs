using System.Text.Json;
using System.Text.Json.Serialization;

namespace AudioFunctions.Orchestration;

/// <summary>
/// A queue message of the pipeline. It carries ids only, never audio (a queue message holds 64 KiB at most): a
/// session's, or for <see cref="PipelineStep.SpaceJob"/> a job's (<see cref="JobId"/>, with an empty session id). An
/// embed step names its first <see cref="Window"/> and how many consecutive <see cref="Windows"/> it embeds (1 when absent).
/// </summary>
public sealed record StepMessage(PipelineStep Step, string SessionId, int? Window = null, string? JobId = null, int? Windows = null)
{
    /// <summary>Windows one embed step takes at most.</summary>
    public const int MaxWindows = 64;

    public static StepMessage ForJob(string jobId) => new(PipelineStep.SpaceJob, "", JobId: jobId);

    public string ToJson() => JsonSerializer.Serialize(this, StepMessageJsonContext.Default.StepMessage);

    /// <summary>Parses a message body; malformed text is an <see cref="FormatException"/> (it can never succeed, so it goes straight to poison).</summary>
    public static StepMessage Parse(string json)
    {
        try
        {
            var message = JsonSerializer.Deserialize(json, StepMessageJsonContext.Default.StepMessage);
            if (message is null
                || (message.Step == PipelineStep.SpaceJob ? string.IsNullOrEmpty(message.JobId) : string.IsNullOrEmpty(message.SessionId))
                || (message.Step == PipelineStep.Embed && (message.Window is not >= 0 || message.Windows is not (null or (>= 1 and <= MaxWindows)))))
                throw new FormatException($"Not a pipeline step message: {Truncate(json)}");
            return message;
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a pipeline step message: {Truncate(json)}", e);
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StepMessage))]
internal sealed partial class StepMessageJsonContext : JsonSerializerContext;
