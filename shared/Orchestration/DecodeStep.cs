using System.IO.Pipelines;
using AudioFunctions.Audio;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AudioFunctions.Orchestration;

/// <summary>
/// Turns an ended compressed stream (MP3, FLAC, AAC) into PCM: the acknowledged bytes flow from their
/// blobs through FFmpeg into the session's decoded blob, and the window step takes it from there.
/// Decoding the whole stream in one pass is what makes the result independent of where the client's
/// chunks split frames, and of restarts while it streamed. Audio FFmpeg cannot decode puts the
/// session in <c>error</c> with FFmpeg's reason. Idempotent: a rerun rewrites the same decoded blob,
/// and only the first run records it.
/// </summary>
public sealed partial class DecodeStep(
    SessionRecords records,
    AudioSegmentStore audio,
    FfmpegDecoder decoder,
    StreamSessionService sessions,
    WorkQueues queues,
    ILogger<DecodeStep> logger)
{
    public async Task RunAsync(string sessionId, CancellationToken cancellationToken)
    {
        if ((await records.GetAsync(sessionId, cancellationToken))?.Value is not { Status: SessionStatus.Finalizing } session)
            return;
        if (session.AwaitsDecoding)
        {
            DecodedAudio decoded;
            try
            {
                decoded = session.TotalBytes == 0
                    ? new DecodedAudio(session.Format, 0)
                    : await DecodeAsync(session, cancellationToken);
            }
            catch (AudioDecodeException e)
            {
                DecodeFailed(logger, sessionId, e.Message);
                await sessions.FailAsync(sessionId, $"The {session.Container.ToString().ToLowerInvariant()} stream could not be decoded: {e.Message}", cancellationToken);
                return;
            }
            await sessions.MarkDecodedAsync(sessionId, decoded, cancellationToken);
            Decoded(logger, sessionId, session.TotalBytes, decoded.Bytes, decoded.Format.SampleRateHz, decoded.Format.Channels);
        }
        await queues.EnqueueAsync(new StepMessage(PipelineStep.Window, sessionId), cancellationToken);
    }

    private async Task<DecodedAudio> DecodeAsync(StreamSession session, CancellationToken cancellationToken)
    {
        var compressed = new Pipe();
        DecodedPcm result;
        await using (var pcm = await audio.OpenDecodedWriteAsync(session.SessionId, cancellationToken))
        {
            var feed = FeedAsync(session, compressed.Writer, cancellationToken);
            try
            {
                await using var input = compressed.Reader.AsStream();
                result = await decoder.DecodeAsync(session.Container, input, pcm, cancellationToken);
            }
            finally
            {
                await feed;
            }
        }
        return new DecodedAudio(result.Format, result.Bytes);
    }

    /// <summary>Copies the stored bytes into the pipe; a failure reaches the decoder as a read error.</summary>
    private async Task FeedAsync(StreamSession session, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = writer.AsStream(leaveOpen: true);
            await audio.CopyAudioToAsync(session, stream, cancellationToken);
            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e);
        }
    }

    [LoggerMessage(5201, LogLevel.Information, "Session {SessionId}: decoded {CompressedBytes} bytes to {PcmBytes} bytes of PCM at {SampleRateHz} Hz, {Channels} channel(s)")]
    private static partial void Decoded(ILogger logger, string sessionId, long compressedBytes, long pcmBytes, int sampleRateHz, int channels);

    [LoggerMessage(5202, LogLevel.Warning, "Session {SessionId}: decoding failed: {Reason}")]
    private static partial void DecodeFailed(ILogger logger, string sessionId, string reason);
}
