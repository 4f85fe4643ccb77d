using AudioFunctions.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Runs one pipeline message, whoever delivered it (the local listener or the Functions host), and
/// decides what a failure means: retried while deliveries remain, and on the last one the
/// session is marked <c>error</c> with the reason before the message goes to the poison queue.
/// </summary>
public sealed partial class PipelineDispatcher(IServiceProvider services, StreamSessionService sessions, ILogger<PipelineDispatcher> logger)
{
    public async Task RunAsync(StepMessage message, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await (message.Step switch
        {
            PipelineStep.Decode => services.GetRequiredService<DecodeStep>().RunAsync(message.SessionId, cancellationToken),
            PipelineStep.Window => services.GetRequiredService<WindowStep>().RunAsync(message.SessionId, cancellationToken),
            PipelineStep.Embed => services.GetRequiredService<EmbedStep>().RunAsync(message.SessionId, message.Window!.Value, message.Windows ?? 1, cancellationToken),
            PipelineStep.Finalize => services.GetRequiredService<FinalizeStep>().RunAsync(message.SessionId, cancellationToken),
            PipelineStep.SpaceJob => services.GetRequiredService<Spaces.SpaceJobs>().RunSliceAsync(message.JobId!, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(message), message.Step, null),
        });
        StepRan(logger, message.Step, message.SessionId, message.Window ?? -1, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Called when <paramref name="message"/> failed on its last delivery.</summary>
    public async Task GiveUpAsync(PipelineStep step, StepMessage? message, int deliveries, Exception failure, CancellationToken cancellationToken)
    {
        GaveUp(logger, step, message?.JobId ?? message?.SessionId ?? "(unreadable message)", deliveries, failure);
        if (message is null)
            return;
        var reason = $"{step.ToString().ToLowerInvariant()} step failed after {deliveries} attempts: {failure.Message}";
        if (message.JobId is { } jobId)
            await services.GetRequiredService<Spaces.SpaceJobs>().FailAsync(jobId, reason, cancellationToken);
        else
            await sessions.FailAsync(message.SessionId, reason, cancellationToken);
    }

    [LoggerMessage(5102, LogLevel.Debug, "{Step} step of session {SessionId} (window {Window}) took {ElapsedMs:F1} ms")]
    private static partial void StepRan(ILogger logger, PipelineStep step, string sessionId, int window, double elapsedMs);

    [LoggerMessage(5101, LogLevel.Error, "{Step} step of {SessionId} failed on delivery {Deliveries}, its last; the message goes to the poison queue")]
    private static partial void GaveUp(ILogger logger, PipelineStep step, string sessionId, int deliveries, Exception exception);
}
