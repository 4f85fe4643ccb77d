using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace AudioFunctions.Storage;

/// <summary>
/// Small JSON documents in one container, changed only by compare-and-swap on their ETag.
/// This is how state lives in blobs instead of a table: two instances writing the same
/// document cannot both win.
/// </summary>
public sealed class JsonBlobStore(BlobContainerClient container, StorageContainers containers)
{
    public async Task<Versioned<T>?> GetAsync<T>(string blobName, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        try
        {
            var download = await container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            var value = JsonSerializer.Deserialize(download.Value.Content.ToMemory().Span, type)
                ?? throw new InvalidDataException($"Blob '{blobName}' holds JSON null.");
            return new Versioned<T>(value, download.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Creates the document; null when one already exists under that name.</summary>
    public Task<ETag?> TryCreateAsync<T>(string blobName, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        TryWriteAsync(blobName, value, type, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken);

    /// <summary>Replaces the document if it is still at <paramref name="etag"/>; null when someone changed it first.</summary>
    public Task<ETag?> TryReplaceAsync<T>(string blobName, T value, ETag etag, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        TryWriteAsync(blobName, value, type, new BlobRequestConditions { IfMatch = etag }, cancellationToken);

    private async Task<ETag?> TryWriteAsync<T>(string blobName, T value, JsonTypeInfo<T> type, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        var options = new BlobUploadOptions
        {
            Conditions = conditions,
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        };
        try
        {
            var content = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(value, type));
            var response = await container.GetBlobClient(blobName).UploadAsync(content, options, cancellationToken);
            return response.Value.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // 412: the ETag moved on. 409 (BlobAlreadyExists) answers If-None-Match on some versions.
            return null;
        }
    }

    public async Task DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        await container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }
}
