using AudioFunctions.Spaces;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Embeds one window of a session in the active audio space, stores its vector and counts it
/// on the session. Idempotent on (session, window): a stored vector is not computed again, and a
/// window is counted once. The embed step that completes an ended session's last window queues
/// the finalize step (fan-in).
/// </summary>
public sealed class EmbedStep(
    SessionRecords records,
    WindowCheckpoints checkpoints,
    WindowStore windows,
    ActiveSpaces spaces,
    StreamSessionService sessions,
    WorkQueues queues)
{
    public async Task RunAsync(string sessionId, int window, CancellationToken cancellationToken)
    {
        if ((await records.GetAsync(sessionId, cancellationToken))?.Value is not { Status: SessionStatus.Active or SessionStatus.Finalizing })
            return;

        // A switch of space while the session streams leaves some windows in the old space; the finalize step
        // embeds whatever its spaces miss, so this only has to be right most of the time, not always.
        var (space, embedder) = await spaces.RequireAudioEmbedderAsync(cancellationToken);
        if (await windows.GetVectorAsync(sessionId, space.Id, window, cancellationToken) is null)
        {
            var samples = await windows.GetWindowAsync(sessionId, window, cancellationToken)
                ?? throw new InvalidOperationException($"Window {window} of session {sessionId} is not stored.");
            var vector = new float[space.Dimensions];
            embedder.Embed(samples, vector);
            await windows.PutVectorAsync(sessionId, space.Id, window, vector, cancellationToken);
        }

        var (session, _) = await sessions.MarkWindowEmbeddedAsync(sessionId, window, cancellationToken);
        if (session.Status == SessionStatus.Finalizing
            && (await checkpoints.GetAsync(sessionId, cancellationToken))?.Value is { Flushed: true } checkpoint
            && session.WindowsCompleted >= checkpoint.WindowsCut)
            await queues.EnqueueAsync(new StepMessage(PipelineStep.Finalize, sessionId), cancellationToken);
    }
}
