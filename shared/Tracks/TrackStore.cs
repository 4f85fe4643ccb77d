using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs.Models;
using AudioFunctions.Storage;

namespace AudioFunctions.Tracks;

/// <summary>
/// Stored tracks in the <c>{prefix}tracks</c> container: per track a document
/// (<c>{key}/track.json</c>) and its vectors (<c>{key}/audio/{space}.f32</c>, <c>{key}/text/{space}.f32</c>),
/// where <c>key</c> is the track id in unpadded base64url (track ids hold any characters).
/// This, not the index, is the source of truth: the index is rebuilt from it.
/// </summary>
public sealed class TrackStore(StorageContainers containers)
{
    private const string DocumentName = "track.json";

    public static string Key(string trackId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(trackId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The track id a document's blob name stands for (the inverse of <see cref="DocumentBlobName"/>).</summary>
    public static string TrackIdOf(string documentBlobName)
    {
        var key = documentBlobName[..documentBlobName.IndexOf('/')].Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(key.PadRight(key.Length + (4 - key.Length % 4) % 4, '=')));
    }

    /// <summary>
    /// A document's version as a plain string. Listings and write responses quote ETags
    /// differently, so both are compared in this one form.
    /// </summary>
    public static string Version(ETag etag) => etag.ToString().Trim('"');

    public static string DocumentBlobName(string trackId) => $"{Key(trackId)}/{DocumentName}";

    public static string VectorBlobName(string trackId, string kind, string spaceId) => $"{Key(trackId)}/{kind}/{spaceId}.f32";

    /// <summary>Writes the vectors first and the document last, so a document never names a vector that is not stored.</summary>
    public async Task<ETag> SaveAsync(StoredTrack track, float[]? audioVector, float[]? textVector, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        if (audioVector is not null)
            await PutVectorAsync(VectorBlobName(track.TrackId, "audio", track.AudioSpace!), audioVector, cancellationToken);
        if (textVector is not null)
            await PutVectorAsync(VectorBlobName(track.TrackId, "text", track.TextSpace!), textVector, cancellationToken);
        var document = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(track, TrackJsonContext.Default.StoredTrack));
        var response = await containers.Tracks.GetBlobClient(DocumentBlobName(track.TrackId)).UploadAsync(document, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, cancellationToken);
        return response.Value.ETag;
    }

    public async Task<Versioned<StoredTrack>?> GetAsync(string trackId, CancellationToken cancellationToken) =>
        await ReadDocumentAsync(DocumentBlobName(trackId), cancellationToken);

    public async Task<float[]?> GetVectorAsync(string trackId, string kind, string spaceId, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        try
        {
            var content = await containers.Tracks.GetBlobClient(VectorBlobName(trackId, kind, spaceId)).DownloadContentAsync(cancellationToken);
            return MemoryMarshal.Cast<byte, float>(content.Value.Content.ToMemory().Span).ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every stored track document's blob name and ETag: the versions an index reconciles against.</summary>
    public async IAsyncEnumerable<(string BlobName, ETag ETag)> ListDocumentsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        await foreach (var item in containers.Tracks.GetBlobsAsync(cancellationToken: cancellationToken))
            if (item.Name.EndsWith("/" + DocumentName, StringComparison.Ordinal))
                yield return (item.Name, item.Properties.ETag!.Value);
    }

    public async Task<Versioned<StoredTrack>?> ReadDocumentAsync(string blobName, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        try
        {
            var content = await containers.Tracks.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            var track = JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, TrackJsonContext.Default.StoredTrack)
                ?? throw new InvalidDataException($"{blobName} holds JSON null.");
            return new Versioned<StoredTrack>(track, content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task PutVectorAsync(string blobName, float[] vector, CancellationToken cancellationToken)
    {
        var bytes = BinaryData.FromBytes(MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
        await containers.Tracks.GetBlobClient(blobName).UploadAsync(bytes, overwrite: true, cancellationToken);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredTrack))]
internal sealed partial class TrackJsonContext : JsonSerializerContext;
