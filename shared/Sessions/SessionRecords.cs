using Azure;
using AudioFunctions.Storage;

namespace AudioFunctions.Sessions;

/// <summary>Session records, one JSON blob each (<c>records/{session}.json</c>), changed by ETag.</summary>
public sealed class SessionRecords(StorageContainers containers)
{
    private readonly JsonBlobStore _store = new(containers.Sessions, containers);

    public static string BlobName(string sessionId) => $"records/{sessionId}.json";

    public Task<Versioned<StreamSession>?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        _store.GetAsync(BlobName(sessionId), SessionJsonContext.Default.StreamSession, cancellationToken);

    public Task<ETag?> TryCreateAsync(StreamSession session, CancellationToken cancellationToken) =>
        _store.TryCreateAsync(BlobName(session.SessionId), session, SessionJsonContext.Default.StreamSession, cancellationToken);

    public Task<ETag?> TryReplaceAsync(StreamSession session, ETag etag, CancellationToken cancellationToken) =>
        _store.TryReplaceAsync(BlobName(session.SessionId), session, etag, SessionJsonContext.Default.StreamSession, cancellationToken);
}
