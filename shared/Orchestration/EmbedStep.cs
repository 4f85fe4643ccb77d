using AudioFunctions.Spaces;
using AudioFunctions.Sessions;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Embeds consecutive windows of a session in the active audio space (in one batch), stores their vectors and counts
/// them on the session. Idempotent on (session, window): a stored vector is not computed again, and a window is counted
/// once. The embed step that completes an ended session's last window queues the finalize step (fan-in).
/// </summary>
public sealed class EmbedStep(
    SessionRecords records,
    WindowCheckpoints checkpoints,
    TrackVectors vectors,
    ActiveSpaces spaces,
    StreamSessionService sessions,
    WorkQueues queues)
{
    public async Task RunAsync(string sessionId, int firstWindow, int windowCount, CancellationToken cancellationToken)
    {
        if ((await records.GetAsync(sessionId, cancellationToken))?.Value is not { Status: SessionStatus.Active or SessionStatus.Finalizing })
            return;

        // A switch of space while the session streams leaves some windows in the old space; the finalize step
        // embeds whatever its spaces miss, so this only has to be right most of the time, not always.
        var (space, _) = await spaces.RequireAudioEmbedderAsync(cancellationToken);
        await vectors.WindowVectorsAsync(sessionId, firstWindow, windowCount, space, cancellationToken);

        var (session, _) = await sessions.MarkWindowsEmbeddedAsync(sessionId, firstWindow, windowCount, cancellationToken);
        if (session.Status == SessionStatus.Finalizing
            && (await checkpoints.GetAsync(sessionId, cancellationToken))?.Value is { Flushed: true } checkpoint
            && session.WindowsCompleted >= checkpoint.WindowsCut)
            await queues.EnqueueAsync(new StepMessage(PipelineStep.Finalize, sessionId), cancellationToken);
    }
}
