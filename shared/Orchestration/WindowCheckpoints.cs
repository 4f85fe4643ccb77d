using System.Text.Json.Serialization;
using Azure;
using AudioFunctions.Storage;

namespace AudioFunctions.Orchestration;

/// <summary>Window-step checkpoints, one JSON blob per session (<c>checkpoints/{session}.json</c>), changed by ETag.</summary>
public sealed class WindowCheckpoints(StorageContainers containers)
{
    private readonly JsonBlobStore _store = new(containers.Sessions, containers);

    public static string BlobName(string sessionId) => $"checkpoints/{sessionId}.json";

    public Task<Versioned<WindowCheckpoint>?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        _store.GetAsync(BlobName(sessionId), CheckpointJsonContext.Default.WindowCheckpoint, cancellationToken);

    /// <summary>Saves the checkpoint if it is still at <paramref name="etag"/> (or does not exist yet, for the default ETag).</summary>
    public Task<ETag?> TrySaveAsync(string sessionId, WindowCheckpoint checkpoint, ETag etag, CancellationToken cancellationToken) =>
        etag == default
            ? _store.TryCreateAsync(BlobName(sessionId), checkpoint, CheckpointJsonContext.Default.WindowCheckpoint, cancellationToken)
            : _store.TryReplaceAsync(BlobName(sessionId), checkpoint, etag, CheckpointJsonContext.Default.WindowCheckpoint, cancellationToken);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WindowCheckpoint))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
