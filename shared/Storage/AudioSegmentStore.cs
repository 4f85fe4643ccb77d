using System.Runtime.InteropServices;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using AudioFunctions.Sessions;

namespace AudioFunctions.Storage;

/// <summary>
/// A session's raw audio as a chain of append blobs (<c>{session}/raw/{index}.pcm</c>). Every
/// append is conditional on the blob's current length, so a byte lands exactly where the session
/// record says the next byte goes, or not at all.
/// </summary>
public sealed class AudioSegmentStore(StorageContainers containers)
{
    /// <summary>An append blob holds at most 50,000 blocks; a segment rolls over before that.</summary>
    public const int MaxBlocksPerSegment = 50_000;

    /// <summary>Largest single append block every service version accepts (4 MiB).</summary>
    public const int MaxBlockBytes = 4 * 1024 * 1024;

    public static string SegmentBlobName(string sessionId, int index) => $"{sessionId}/raw/{index:D5}.pcm";

    /// <summary>The PCM decoded from a compressed stream (one block blob, rewritten whole by each decode).</summary>
    public static string DecodedBlobName(string sessionId) => $"{sessionId}/decoded.pcm";

    /// <summary>Append blocks needed for <paramref name="byteCount"/> bytes.</summary>
    public static int BlocksFor(int byteCount) => (byteCount + MaxBlockBytes - 1) / MaxBlockBytes;

    /// <summary>Creates the segment blob; an existing blob is left as it is.</summary>
    public async Task CreateSegmentAsync(string sessionId, int index, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        await Segment(sessionId, index).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="data"/> at <paramref name="offset"/> of the segment, in blocks of at
    /// most <see cref="MaxBlockBytes"/>. On any outcome but <see cref="AppendOutcome.Appended"/> some
    /// leading blocks may have landed; they lie past the committed length and are ignored.
    /// </summary>
    public async Task<AppendOutcome> AppendAsync(string sessionId, int index, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        var blob = Segment(sessionId, index);
        for (var start = 0; start < data.Length; start += MaxBlockBytes)
        {
            var block = data.Slice(start, Math.Min(MaxBlockBytes, data.Length - start));
            var options = new AppendBlobAppendBlockOptions
            {
                Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = offset + start },
            };
            try
            {
                using var content = AsStream(block);
                await blob.AppendBlockAsync(content, options, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412 || e.ErrorCode == "AppendPositionConditionNotMet")
            {
                return AppendOutcome.PositionMismatch;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return AppendOutcome.SegmentMissing;
            }
            catch (RequestFailedException e) when (e.Status == 409 && e.ErrorCode is "BlockCountExceedsLimit" or "MaxBlobSizeConditionNotMet")
            {
                return AppendOutcome.SegmentFull;
            }
        }
        return AppendOutcome.Appended;
    }

    /// <summary>Writes the session's acknowledged audio, in order, to <paramref name="destination"/>.</summary>
    public async Task CopyAudioToAsync(StreamSession session, Stream destination, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        foreach (var segment in session.Segments)
        {
            if (segment.Bytes == 0)
                continue;
            var options = new BlobDownloadOptions { Range = new HttpRange(0, segment.Bytes) };
            var download = await Segment(session.SessionId, segment.Index).DownloadStreamingAsync(options, cancellationToken);
            await using var content = download.Value.Content;
            await content.CopyToAsync(destination, cancellationToken);
        }
    }

    /// <summary>
    /// Reads acknowledged audio bytes [<paramref name="offset"/>, offset + destination.Length) of the
    /// session, across segments, into <paramref name="destination"/>.
    /// </summary>
    public async Task ReadAsync(StreamSession session, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (offset < 0 || offset + destination.Length > session.TotalBytes)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Bytes {offset}..{offset + destination.Length} lie outside the {session.TotalBytes} stored.");
        long segmentStart = 0;
        foreach (var segment in session.Segments)
        {
            var segmentEnd = segmentStart + segment.Bytes;
            if (segmentEnd > offset && !destination.IsEmpty)
            {
                var from = offset - segmentStart;
                var count = (int)Math.Min(segment.Bytes - from, destination.Length);
                var options = new BlobDownloadOptions { Range = new HttpRange(from, count) };
                var content = await Segment(session.SessionId, segment.Index).DownloadContentAsync(options, cancellationToken);
                content.Value.Content.ToMemory().Span.CopyTo(destination.Span);
                destination = destination[count..];
                offset += count;
            }
            segmentStart = segmentEnd;
        }
    }

    /// <summary>
    /// Reads PCM bytes [<paramref name="offset"/>, offset + destination.Length) of what the pipeline
    /// windows: the decoded audio of a compressed stream, else the acknowledged bytes.
    /// </summary>
    public async Task ReadPcmAsync(StreamSession session, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (session.Decoded is null)
        {
            await ReadAsync(session, offset, destination, cancellationToken);
            return;
        }
        if (offset < 0 || offset + destination.Length > session.Decoded.Bytes)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Bytes {offset}..{offset + destination.Length} lie outside the {session.Decoded.Bytes} decoded.");
        if (destination.IsEmpty)
            return;
        var options = new BlobDownloadOptions { Range = new HttpRange(offset, destination.Length) };
        var content = await containers.Audio.GetBlobClient(DecodedBlobName(session.SessionId)).DownloadContentAsync(options, cancellationToken);
        content.Value.Content.ToMemory().Span.CopyTo(destination.Span);
    }

    /// <summary>A stream that replaces the session's decoded PCM blob with what is written to it (committed on dispose).</summary>
    public async Task<Stream> OpenDecodedWriteAsync(string sessionId, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        return await containers.Audio.GetBlockBlobClient(DecodedBlobName(sessionId))
            .OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions { BufferSize = MaxBlockBytes }, cancellationToken);
    }

    /// <summary>
    /// The blobs and byte ranges that hold, in order, the PCM the pipeline windows: the decoded blob, or
    /// the committed prefix of each segment.
    /// </summary>
    public IEnumerable<(BlobBaseClient Blob, long Bytes)> PcmSources(StreamSession session)
    {
        if (session.Decoded is { } decoded)
        {
            yield return (containers.Audio.GetBlobClient(DecodedBlobName(session.SessionId)), decoded.Bytes);
            yield break;
        }
        foreach (var segment in session.Segments)
            if (segment.Bytes > 0)
                yield return (Segment(session.SessionId, segment.Index), segment.Bytes);
    }

    /// <summary>Removes every blob of the session's audio folder.</summary>
    public async Task DeleteSessionAudioAsync(string sessionId, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        await foreach (var item in containers.Audio.GetBlobsAsync(prefix: sessionId + "/", cancellationToken: cancellationToken))
            await containers.Audio.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken);
    }

    private AppendBlobClient Segment(string sessionId, int index) =>
        containers.Audio.GetAppendBlobClient(SegmentBlobName(sessionId, index));

    private static MemoryStream AsStream(ReadOnlyMemory<byte> block) =>
        MemoryMarshal.TryGetArray(block, out var array)
            ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
            : new MemoryStream(block.ToArray(), writable: false);
}
