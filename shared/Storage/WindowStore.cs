using System.Runtime.InteropServices;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace AudioFunctions.Storage;

/// <summary>
/// A session's derived audio: the 48 kHz mono stream (<c>{session}/resampled.f32</c>, an append
/// blob of float32 LE), each window's samples (<c>{session}/windows/{k}.f32</c>) and each
/// window's vector per embedding space (<c>{session}/vectors/{space}/{k}.f32</c>).
/// Everything here is a deterministic function of the raw audio, so rewriting it is harmless.
/// </summary>
public sealed class WindowStore(StorageContainers containers)
{
    public static string ResampledBlobName(string sessionId) => $"{sessionId}/resampled.f32";

    public static string WindowBlobName(string sessionId, int window) => $"{sessionId}/windows/{window:D5}.f32";

    public static string VectorBlobName(string sessionId, string spaceId, int window) => $"{sessionId}/vectors/{spaceId}/{window:D5}.f32";

    /// <summary>
    /// Appends <paramref name="samples"/> at sample <paramref name="offset"/> of the resampled stream.
    /// A step that died after appending left a prefix of these same samples there (the stream is
    /// deterministic); that prefix is checked and the rest appended.
    /// </summary>
    public async Task AppendResampledAsync(string sessionId, long offset, ReadOnlyMemory<float> samples, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        var blob = containers.Audio.GetAppendBlobClient(ResampledBlobName(sessionId));
        await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var bytes = MemoryMarshal.AsBytes(samples.Span).ToArray();
        var position = offset * sizeof(float);
        var written = 0;
        while (written < bytes.Length)
        {
            var block = Math.Min(AudioSegmentStore.MaxBlockBytes, bytes.Length - written);
            try
            {
                using var content = new MemoryStream(bytes, written, block, writable: false);
                await blob.AppendBlockAsync(content, new AppendBlobAppendBlockOptions
                {
                    Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = position + written },
                }, cancellationToken);
                written += block;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                written += await SkipExistingPrefixAsync(blob, position + written, bytes.AsMemory(written), cancellationToken);
            }
        }
    }

    /// <summary>Reads <paramref name="destination"/>.Length samples of the resampled stream from sample <paramref name="start"/>.</summary>
    public async Task ReadResampledAsync(string sessionId, long start, Memory<float> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
            return;
        var blob = containers.Audio.GetBlobClient(ResampledBlobName(sessionId));
        var range = new HttpRange(start * sizeof(float), destination.Length * sizeof(float));
        var content = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = range }, cancellationToken);
        var bytes = content.Value.Content.ToMemory().Span;
        if (bytes.Length != destination.Length * sizeof(float))
            throw new InvalidDataException($"Resampled stream of {sessionId} ends before sample {start + destination.Length}.");
        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination.Span);
    }

    public Task PutWindowAsync(string sessionId, int window, ReadOnlyMemory<float> samples, CancellationToken cancellationToken) =>
        PutFloatsAsync(WindowBlobName(sessionId, window), samples, cancellationToken);

    public Task<float[]?> GetWindowAsync(string sessionId, int window, CancellationToken cancellationToken) =>
        GetFloatsAsync(WindowBlobName(sessionId, window), cancellationToken);

    public Task PutVectorAsync(string sessionId, string spaceId, int window, ReadOnlyMemory<float> vector, CancellationToken cancellationToken) =>
        PutFloatsAsync(VectorBlobName(sessionId, spaceId, window), vector, cancellationToken);

    public Task<float[]?> GetVectorAsync(string sessionId, string spaceId, int window, CancellationToken cancellationToken) =>
        GetFloatsAsync(VectorBlobName(sessionId, spaceId, window), cancellationToken);

    /// <summary>Deletes every window vector of the session in one space.</summary>
    public async Task DeleteVectorsAsync(string sessionId, string spaceId, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        await foreach (var item in containers.Audio.GetBlobsAsync(prefix: $"{sessionId}/vectors/{spaceId}/", cancellationToken: cancellationToken))
            await containers.Audio.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    private async Task PutFloatsAsync(string blobName, ReadOnlyMemory<float> values, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        var bytes = BinaryData.FromBytes(MemoryMarshal.AsBytes(values.Span).ToArray());
        await containers.Audio.GetBlobClient(blobName).UploadAsync(bytes, overwrite: true, cancellationToken);
    }

    private async Task<float[]?> GetFloatsAsync(string blobName, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        try
        {
            var content = await containers.Audio.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return MemoryMarshal.Cast<byte, float>(content.Value.Content.ToMemory().Span).ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Bytes of <paramref name="pending"/> already at <paramref name="position"/> in the blob, after checking they match.</summary>
    private static async Task<int> SkipExistingPrefixAsync(AppendBlobClient blob, long position, ReadOnlyMemory<byte> pending, CancellationToken cancellationToken)
    {
        var length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
        var existing = (int)Math.Min(length - position, pending.Length);
        if (existing <= 0)
            throw new InvalidDataException($"{blob.Name} is shorter ({length} bytes) than its checkpoint says ({position}).");
        var stored = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(position, existing) }, cancellationToken);
        if (!stored.Value.Content.ToMemory().Span.SequenceEqual(pending.Span[..existing]))
            throw new InvalidDataException($"{blob.Name} holds different samples past its checkpoint; the stream is not deterministic.");
        return existing;
    }
}
