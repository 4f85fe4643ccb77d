using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs.Models;
using AudioFunctions.Indexing;
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

    /// <summary>Blob metadata naming the space job that last wrote a document (none when the pipeline did).</summary>
    private const string JobMetadataKey = "spacejob";

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

    public static string VectorBlobName(string trackId, VectorCollection collection, string spaceId) => $"{Key(trackId)}/{collection.ToWireName()}/{spaceId}.f32";

    /// <summary>
    /// Writes the vectors first and the document last, so a document never names a vector that is not stored.
    /// The document's spaces are those of <paramref name="vectors"/>.
    /// </summary>
    public async Task<(StoredTrack Track, ETag ETag)> SaveAsync(StoredTrack track, IReadOnlyList<TrackVector> vectors, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        foreach (var vector in vectors)
            await PutVectorAsync(track.TrackId, vector, cancellationToken);
        track = track with
        {
            AudioSpaces = [.. vectors.Where(v => v.Collection == VectorCollection.Audio).Select(v => v.Space.Id)],
            TextSpaces = [.. vectors.Where(v => v.Collection == VectorCollection.Text).Select(v => v.Space.Id)],
        };
        var response = await UploadDocumentAsync(track, new BlobRequestConditions(), cancellationToken);
        return (track, response!.Value);
    }

    /// <summary>
    /// Replaces the document on behalf of space job <paramref name="jobId"/> if it is still at <paramref name="etag"/>:
    /// the new ETag, or null when it changed (or was deleted) meanwhile.
    /// </summary>
    public Task<ETag?> TryReplaceAsync(StoredTrack track, ETag etag, string jobId, CancellationToken cancellationToken) =>
        UploadDocumentAsync(track, new BlobRequestConditions { IfMatch = etag }, cancellationToken, jobId);

    /// <summary>Stores one vector of the track (the document is not touched: name the space there after this).</summary>
    public async Task PutVectorAsync(string trackId, TrackVector vector, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        var bytes = BinaryData.FromBytes(MemoryMarshal.AsBytes(vector.Values.AsSpan()).ToArray());
        await containers.Tracks.GetBlobClient(VectorBlobName(trackId, vector.Collection, vector.Space.Id))
            .UploadAsync(bytes, overwrite: true, cancellationToken);
    }

    /// <summary>Deletes one vector of the track, if stored (after the document stopped naming its space).</summary>
    public async Task DeleteVectorAsync(string trackId, VectorCollection collection, string spaceId, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        await containers.Tracks.GetBlobClient(VectorBlobName(trackId, collection, spaceId)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Every vector the document names, read from storage; a named vector that is missing is an error.</summary>
    public async Task<IReadOnlyList<TrackVector>> GetVectorsAsync(StoredTrack track, CancellationToken cancellationToken)
    {
        var vectors = new List<TrackVector>();
        foreach (var collection in new[] { VectorCollection.Audio, VectorCollection.Text })
            foreach (var spaceId in track.Spaces(collection))
            {
                var values = await GetVectorAsync(track.TrackId, collection, spaceId, cancellationToken)
                    ?? throw new InvalidDataException($"Track '{track.TrackId}' names {collection.ToWireName()} space {spaceId}, but its vector is not stored.");
                vectors.Add(new TrackVector(collection, Embedding.EmbeddingSpace.Parse(spaceId), values));
            }
        return vectors;
    }

    public async Task<Versioned<StoredTrack>?> GetAsync(string trackId, CancellationToken cancellationToken) =>
        await ReadDocumentAsync(DocumentBlobName(trackId), cancellationToken);

    public async Task<float[]?> GetVectorAsync(string trackId, VectorCollection collection, string spaceId, CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        try
        {
            var content = await containers.Tracks.GetBlobClient(VectorBlobName(trackId, collection, spaceId)).DownloadContentAsync(cancellationToken);
            return MemoryMarshal.Cast<byte, float>(content.Value.Content.ToMemory().Span).ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every stored track document as the listing shows it: the versions an index reconciles against.</summary>
    public async IAsyncEnumerable<TrackListing> ListDocumentsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        await foreach (var item in containers.Tracks.GetBlobsAsync(BlobTraits.Metadata, cancellationToken: cancellationToken))
            if (item.Name.EndsWith("/" + DocumentName, StringComparison.Ordinal))
                yield return new TrackListing(
                    item.Name,
                    item.Properties.ETag!.Value,
                    item.Properties.LastModified ?? DateTimeOffset.MinValue,
                    item.Metadata.TryGetValue(JobMetadataKey, out var job) ? job : null);
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

    private async Task<ETag?> UploadDocumentAsync(StoredTrack track, BlobRequestConditions conditions, CancellationToken cancellationToken, string? jobId = null)
    {
        await containers.EnsureCreatedAsync(cancellationToken);
        var document = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(track, TrackJsonContext.Default.StoredTrack));
        try
        {
            var response = await containers.Tracks.GetBlobClient(DocumentBlobName(track.TrackId)).UploadAsync(document, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Conditions = conditions,
                Metadata = jobId is null ? null : new Dictionary<string, string> { [JobMetadataKey] = jobId },
            }, cancellationToken);
            return response.Value.ETag;
        }
        catch (RequestFailedException e) when (conditions.IfMatch is not null && e.Status is 404 or 412)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredTrack))]
internal sealed partial class TrackJsonContext : JsonSerializerContext;
