using System.Buffers;
using AudioFunctions.Audio;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Carries a session's audio from raw bytes to windows: reads what arrived after the checkpoint,
/// decodes and mixes it to mono, resamples it to 48 kHz (resampler state from the checkpoint),
/// appends it to the session's 48 kHz stream, cuts every window that stream now covers, stores each
/// window and queues one embed step per window, then saves the checkpoint. Once the session has
/// ended it also flushes the resampler and cuts the zero-padded tail window.
/// Idempotent: every output is a deterministic function of the raw audio, so a replay rewrites
/// identical windows and queues duplicate embeds, which the embed step absorbs.
/// </summary>
public sealed partial class WindowStep(
    SessionRecords records,
    WindowCheckpoints checkpoints,
    AudioSegmentStore audio,
    WindowStore windows,
    WorkQueues queues,
    IOptions<Embedding.EmbeddingOptions> embeddingOptions,
    ILogger<WindowStep> logger)
{
    /// <summary>Raw bytes decoded per pass, so a step's memory stays bounded however much audio waits.</summary>
    private const int MaxRawBytesPerPass = 4 * 1024 * 1024;

    /// <summary>Checkpoint races lost (to a concurrent step of the same session) before giving up for a redelivery.</summary>
    private const int MaxAttempts = 8;

    /// <summary>
    /// Steps of one session run one at a time in this process (sessions share these stripes): two
    /// at once would do the same work and one would lose its checkpoint. Across instances the
    /// checkpoint's compare-and-swap keeps them apart.
    /// </summary>
    private readonly SemaphoreSlim[] _sessionStripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task RunAsync(string sessionId, CancellationToken cancellationToken)
    {
        var stripe = _sessionStripes[(int)((uint)StringComparer.Ordinal.GetHashCode(sessionId) % (uint)_sessionStripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            await RunAloneAsync(sessionId, cancellationToken);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task RunAloneAsync(string sessionId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if ((await records.GetAsync(sessionId, cancellationToken))?.Value is not { } session
                || session.Status is not (SessionStatus.Active or SessionStatus.Finalizing))
                return;
            if (session.AwaitsDecoding)
            {
                // A compressed stream has no PCM until it has ended and been decoded; the decode step comes back here.
                if (session.Status == SessionStatus.Finalizing)
                    await queues.EnqueueAsync(new StepMessage(PipelineStep.Decode, sessionId), cancellationToken);
                return;
            }

            var saved = await checkpoints.GetAsync(sessionId, cancellationToken);
            var checkpoint = saved?.Value ?? new WindowCheckpoint { Resampler = new Resampler(session.PcmFormat.SampleRateHz).SaveState() };
            if (checkpoint.Flushed)
            {
                // A replay after the flush (end sent again, say): make sure finalize is on its way.
                if (session.WindowsCompleted >= checkpoint.WindowsCut)
                    await queues.EnqueueAsync(new StepMessage(PipelineStep.Finalize, sessionId), cancellationToken);
                return;
            }

            var flush = session.Status == SessionStatus.Finalizing;
            var advanced = await AdvanceAsync(session, checkpoint, flush, cancellationToken);
            // Windows cut together are embedded together, so a model embedder runs them as one batch.
            var batch = Math.Min(embeddingOptions.Value.BatchSize, StepMessage.MaxWindows);
            for (var window = checkpoint.WindowsCut; window < advanced.WindowsCut; window += batch)
            {
                var count = Math.Min(batch, advanced.WindowsCut - window);
                await queues.EnqueueAsync(new StepMessage(PipelineStep.Embed, sessionId, window, Windows: count == 1 ? null : count), cancellationToken);
            }

            if (await checkpoints.TrySaveAsync(sessionId, advanced, saved?.ETag ?? default, cancellationToken) is null)
                continue; // a concurrent step saved first; carry on from its checkpoint

            Advanced(logger, sessionId, advanced.WindowsCut - checkpoint.WindowsCut, advanced.ResampledSamples, advanced.Flushed);
            if (advanced.NonFiniteSamples > checkpoint.NonFiniteSamples)
                NonFiniteSamples(logger, sessionId, advanced.NonFiniteSamples - checkpoint.NonFiniteSamples);
            // Fan-in: the embed step of the last window queues finalize; when every window was
            // embedded before this checkpoint said the stream is flushed (or there are none), no
            // embed step will, so this step does. A fresh read decides, not the one from the start.
            if (advanced.Flushed
                && (await records.GetAsync(sessionId, cancellationToken))?.Value is { } latest
                && latest.WindowsCompleted >= advanced.WindowsCut)
                await queues.EnqueueAsync(new StepMessage(PipelineStep.Finalize, sessionId), cancellationToken);
            return;
        }
        throw new InvalidOperationException($"Window step of session {sessionId} kept losing its checkpoint to concurrent steps.");
    }

    private async Task<WindowCheckpoint> AdvanceAsync(StreamSession session, WindowCheckpoint checkpoint, bool flush, CancellationToken cancellationToken)
    {
        var format = session.PcmFormat;
        var wholeBytes = session.PcmBytes / format.BytesPerFrame * format.BytesPerFrame;
        var resampler = new Resampler(checkpoint.Resampler);
        var position = checkpoint.RawBytesConsumed;
        var resampled = checkpoint.ResampledSamples;
        var nonFinite = checkpoint.NonFiniteSamples;

        var passBytes = Math.Max(format.BytesPerFrame, MaxRawBytesPerPass / format.BytesPerFrame * format.BytesPerFrame);
        // The samples this step produces, kept (up to two windows' worth) so windows are cut from
        // memory; only what earlier steps appended is read back from the stream.
        using var fresh = new ProducedSamples(checkpoint.ResampledSamples, 2 * AudioWindow.Samples);
        var raw = ArrayPool<byte>.Shared.Rent(passBytes);
        var mono = ArrayPool<float>.Shared.Rent(passBytes / format.BytesPerFrame);
        var output = ArrayPool<float>.Shared.Rent(resampler.MaxOutputSamples(passBytes / format.BytesPerFrame));
        try
        {
            while (position < wholeBytes)
            {
                var take = (int)Math.Min(passBytes, wholeBytes - position);
                await audio.ReadPcmAsync(session, position, raw.AsMemory(0, take), cancellationToken);
                var frames = take / format.BytesPerFrame;
                nonFinite += PcmDecoder.DecodeToMono(raw.AsSpan(0, take), format, mono.AsSpan(0, frames));
                var produced = resampler.Process(mono.AsSpan(0, frames), output);
                await windows.AppendResampledAsync(session.SessionId, resampled, output.AsMemory(0, produced), cancellationToken);
                fresh.Add(output.AsSpan(0, produced));
                resampled += produced;
                position += take;
            }
            if (flush)
            {
                var tail = resampler.FlushOutputSamples <= output.Length ? output : new float[resampler.FlushOutputSamples];
                var produced = resampler.Flush(tail);
                await windows.AppendResampledAsync(session.SessionId, resampled, tail.AsMemory(0, produced), cancellationToken);
                fresh.Add(tail.AsSpan(0, produced));
                resampled += produced;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<float>.Shared.Return(mono);
            ArrayPool<float>.Shared.Return(output);
        }

        await CutAsync(session, checkpoint, flush, resampled, fresh, cancellationToken);
        return checkpoint with
        {
            RawBytesConsumed = position,
            Resampler = resampler.SaveState(),
            ResampledSamples = resampled,
            WindowsCut = Math.Max(WindowCount(session, flush, resampled), checkpoint.WindowsCut),
            Flushed = flush,
            NonFiniteSamples = nonFinite,
        };
    }

    private static int WindowCount(StreamSession session, bool flush, long resampled)
    {
        var minTailSamples = (long)Math.Ceiling((session.End?.MinDurationSeconds ?? 0) * AudioWindow.SampleRateHz);
        return flush
            ? WindowPlan.FinalWindows(resampled, session.HopSamples, minTailSamples)
            : WindowPlan.FullWindows(resampled, session.HopSamples);
    }

    private async Task CutAsync(StreamSession session, WindowCheckpoint checkpoint, bool flush, long resampled, ProducedSamples fresh, CancellationToken cancellationToken)
    {
        var from = checkpoint.WindowsCut;
        var to = WindowCount(session, flush, resampled);
        if (from >= to)
            return;
        var samples = ArrayPool<float>.Shared.Rent(AudioWindow.Samples);
        try
        {
            for (var window = from; window < to; window++)
            {
                var start = WindowPlan.StartSample(window, session.HopSamples);
                var available = (int)Math.Min(AudioWindow.Samples, resampled - start);
                var fromMemory = fresh.CopyTo(start, samples.AsSpan(0, available));
                await windows.ReadResampledAsync(session.SessionId, start, samples.AsMemory(0, available - fromMemory), cancellationToken);
                samples.AsSpan(available, AudioWindow.Samples - available).Clear(); // the tail window is zero-padded
                await windows.PutWindowAsync(session.SessionId, window, samples.AsMemory(0, AudioWindow.Samples), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(samples);
        }
    }

    [LoggerMessage(5001, LogLevel.Debug, "Session {SessionId}: {NewWindows} new windows, {ResampledSamples} samples at 48 kHz, flushed {Flushed}")]
    private static partial void Advanced(ILogger logger, string sessionId, int newWindows, long resampledSamples, bool flushed);

    [LoggerMessage(5002, LogLevel.Warning, "Session {SessionId}: {Count} non-finite samples (NaN or infinity) were replaced by silence")]
    private static partial void NonFiniteSamples(ILogger logger, string sessionId, long count);
}
