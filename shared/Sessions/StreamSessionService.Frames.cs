using Azure;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Orchestration;
using AudioFunctions.Storage;

namespace AudioFunctions.Sessions;

public sealed partial class StreamSessionService
{
    /// <summary>
    /// Stores one frame of raw bytes. With <paramref name="seq"/>, a seq already stored is
    /// acknowledged without writing, and a seq past the next expected one is a 409.
    /// </summary>
    public Task<FrameAck> AppendFrameAsync(string sessionId, long? seq, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (frame.Length > Options.MaxFrameBytes)
            throw new ServiceException(ErrorKind.PayloadTooLarge, ErrorCodes.FrameTooLarge,
                $"A frame may carry at most {Options.MaxFrameBytes} bytes; this one has {frame.Length}.");
        return AppendAsync(sessionId, seq, connectionId: null, frame, cancellationToken);
    }

    /// <summary>
    /// Stores one chunk a live connection sent (WebSocket or Web PubSub). The connection orders its
    /// chunks, so there is no seq; the chunk renews the connection's lease. The caller bounds the size.
    /// </summary>
    public Task<FrameAck> AppendChunkAsync(string sessionId, string connectionId, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) =>
        AppendAsync(sessionId, seq: null, connectionId, chunk, cancellationToken);

    private async Task<FrameAck> AppendAsync(string sessionId, long? seq, string? connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (frame.IsEmpty)
            throw ServiceException.BadRequest(ErrorCodes.EmptyFrame, "The frame carries no bytes.");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The cached record serves only the plain case (the next seq of a live session); any
            // other decision is taken on a fresh read.
            var current = default(Versioned<StreamSession>);
            var fromCache = attempt == 0 && cache.TryGet(sessionId, out current)
                && (seq is null || seq == current.Value.NextSeq)
                && clock.GetUtcNow() - current.Value.LastActivityAt <= Options.SessionTimeout;
            if (!fromCache)
                current = await LoadCurrentAsync(sessionId, cancellationToken);
            var (session, etag) = current;
            EnsureActive(session);
            if (seq is { } s)
            {
                if (s < session.NextSeq)
                    return Ack(session, duplicate: true);
                if (s > session.NextSeq)
                    throw ServiceException.Conflict(ErrorCodes.SeqGap,
                        $"Expected seq {session.NextSeq} but got {s}; send the missing frames first.");
            }
            EnsureWithinDuration(session);

            var plan = ChunkPlan.For(session, frame);
            if (plan.Audio.IsEmpty)
            {
                // Nothing to append (header bytes, or bytes past a WAV's data): the record alone counts the chunk.
                var counted = Counted(session, plan, connectionId, session.Segments);
                if (await records.TryReplaceAsync(counted, etag, cancellationToken) is { } written)
                {
                    cache.Remember(new Versioned<StreamSession>(counted, written));
                    return Ack(counted, duplicate: false);
                }
                cache.Forget(sessionId);
                await ActiveSessionRegistry.BackOffAsync(attempt, cancellationToken);
                continue;
            }
            var audioBytes = plan.Audio;
            var blocks = AudioSegmentStore.BlocksFor(audioBytes.Length);

            var segment = session.Segments.Count > 0 ? session.Segments[^1] : null;
            if (segment is null || segment.Blocks + blocks > AudioSegmentStore.MaxBlocksPerSegment)
            {
                if (fromCache)
                {
                    cache.Forget(sessionId);
                    continue;
                }
                await OpenSegmentAsync(session, etag, segment is null ? "start" : "a full segment", cancellationToken);
                continue;
            }

            var outcome = await audio.AppendAsync(sessionId, segment.Index, segment.Bytes, audioBytes, cancellationToken);
            if (outcome != AppendOutcome.Appended)
            {
                cache.Forget(sessionId);
                // From a cached copy this most likely means another instance took frames meanwhile.
                if (fromCache)
                    continue;
                if (outcome == AppendOutcome.SegmentMissing)
                    await audio.CreateSegmentAsync(sessionId, segment.Index, cancellationToken);
                else
                    // Bytes nobody committed sit at the segment's end. Append blobs cannot be cut,
                    // so the committed prefix stays as it is and new audio goes to a fresh segment.
                    await OpenSegmentAsync(session, etag, "uncommitted bytes", cancellationToken);
                continue;
            }

            if (await CommitAsync(session, etag, plan, connectionId, segment, blocks, cancellationToken) is { } committed)
            {
                await AfterCommitAsync(session, committed, segment, audioBytes.Length, cancellationToken);
                return Ack(committed, duplicate: false);
            }
            // Another frame was counted first; the bytes just appended lie past the committed
            // length, where no reader looks. Start over from a fresh read.
            await ActiveSessionRegistry.BackOffAsync(attempt, cancellationToken);
        }
        throw Busy(sessionId);
    }

    /// <summary>
    /// Counts bytes just appended at the end of <paramref name="segment"/>. If the record changed
    /// meanwhile for another reason (a window embedded, say) and no other frame was counted, the
    /// bytes still sit exactly where the next byte goes, so they are counted against the fresh
    /// record. Null when another frame got there first.
    /// </summary>
    private async Task<StreamSession?> CommitAsync(
        StreamSession session, ETag etag, ChunkPlan plan, string? connectionId, AudioSegment segment, int blocks, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var grown = segment with { Bytes = segment.Bytes + plan.Audio.Length, Blocks = segment.Blocks + blocks };
            var committed = Counted(session, plan, connectionId, WithLast(session.Segments, grown));
            if (WindowStepDue(committed))
                committed = committed with { WindowStepQueuedAtBytes = committed.PcmBytes };
            if (await records.TryReplaceAsync(committed, etag, cancellationToken) is { } written)
            {
                cache.Remember(new Versioned<StreamSession>(committed, written));
                return committed;
            }

            cache.Forget(session.SessionId);
            var fresh = await records.GetAsync(session.SessionId, cancellationToken);
            if (fresh is not { } latest
                || latest.Value.Status != SessionStatus.Active
                || latest.Value.NextSeq != session.NextSeq
                || latest.Value.Segments.Count != session.Segments.Count
                || latest.Value.Segments[^1] != segment)
                return null;
            (session, etag) = latest;
        }
        return null;
    }

    private async Task AfterCommitAsync(StreamSession before, StreamSession committed, AudioSegment segment, int length, CancellationToken cancellationToken)
    {
        events.Publish(SessionEvents.ChunkReceived(committed, segment, length));
        if (committed.WindowStepQueuedAtBytes == before.WindowStepQueuedAtBytes)
            return;
        try
        {
            await queues.EnqueueAsync(new StepMessage(PipelineStep.Window, committed.SessionId), cancellationToken);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            // The frame is durable; the next hop of audio, or the end, enqueues the window step again.
            SessionLog.WindowStepDeferred(logger, committed.SessionId, e);
        }
    }

    /// <summary>The record once a chunk is counted: its plan applied, one more seq, activity now, the sender's lease renewed.</summary>
    private StreamSession Counted(StreamSession session, ChunkPlan plan, string? connectionId, IReadOnlyList<AudioSegment> segments)
    {
        var now = clock.GetUtcNow();
        return plan.ApplyTo(session) with
        {
            Segments = segments,
            NextSeq = session.NextSeq + 1,
            LastActivityAt = now,
            Connections = connectionId is null ? session.Connections : SessionConnections.Renewed(session.Connections, connectionId, now),
        };
    }

    /// <summary>
    /// A hop of 48 kHz output's worth of new PCM has arrived since the last window step was queued.
    /// A compressed stream has no PCM until it is decoded, so it is never due here.
    /// </summary>
    private static bool WindowStepDue(StreamSession session)
    {
        var format = session.PcmFormat;
        var hopInputFrames = (long)Math.Ceiling((double)session.HopSamples * format.SampleRateHz / AudioWindow.SampleRateHz);
        return session.PcmBytes - session.WindowStepQueuedAtBytes >= hopInputFrames * format.BytesPerFrame;
    }

    private void EnsureWithinDuration(StreamSession session)
    {
        if (clock.GetUtcNow() - session.CreatedAt > Options.MaxSessionDuration)
            throw ServiceException.Conflict(ErrorCodes.SessionTooLong,
                $"Session {session.SessionId} has reached the longest a session may run ({Options.MaxSessionDurationSeconds:0.###} s); end it and start a new one.");
    }

    private async Task OpenSegmentAsync(StreamSession session, ETag etag, string reason, CancellationToken cancellationToken)
    {
        var index = session.Segments.Count > 0 ? session.Segments[^1].Index + 1 : 0;
        await audio.CreateSegmentAsync(session.SessionId, index, cancellationToken);
        var opened = session with { Segments = [.. session.Segments, new AudioSegment(index, 0, 0)] };
        if (await records.TryReplaceAsync(opened, etag, cancellationToken) is not null)
            SessionLog.SegmentOpened(logger, session.SessionId, index, reason);
    }

    private static AudioSegment[] WithLast(IReadOnlyList<AudioSegment> segments, AudioSegment last)
    {
        var copy = new AudioSegment[segments.Count];
        for (var i = 0; i < copy.Length - 1; i++)
            copy[i] = segments[i];
        copy[^1] = last;
        return copy;
    }

    private static FrameAck Ack(StreamSession session, bool duplicate) =>
        new(session.BufferedSeconds, session.WindowsCompleted, session.NextSeq, duplicate);
}
