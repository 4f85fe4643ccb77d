using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Storage;

/// <summary>
/// The blob containers of the service. They are created on first use rather than at start-up,
/// so the app starts (and reports itself unhealthy) while storage is unreachable.
/// </summary>
public sealed class StorageContainers
{
    private readonly CreateOnce _created;

    public StorageContainers(StorageAccount account, IOptions<StorageOptions> options)
    {
        var prefix = options.Value.ContainerPrefix;
        Sessions = account.Blobs.GetBlobContainerClient(prefix + "sessions");
        Audio = account.Blobs.GetBlobContainerClient(prefix + "audio");
        Tracks = account.Blobs.GetBlobContainerClient(prefix + "tracks");
        _created = new CreateOnce(async cancellationToken =>
        {
            foreach (var container in All)
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        });
    }

    /// <summary>Session records, pipeline checkpoints and the active-session registry (small JSON blobs).</summary>
    public BlobContainerClient Sessions { get; }

    /// <summary>Per session: raw audio segments, the 48 kHz mono stream, windows and window vectors.</summary>
    public BlobContainerClient Audio { get; }

    /// <summary>Stored tracks: one document and the track's vectors per track.</summary>
    public BlobContainerClient Tracks { get; }

    public IEnumerable<BlobContainerClient> All => [Sessions, Audio, Tracks];

    /// <summary>Creates the containers once per process; cheap after the first success.</summary>
    public ValueTask EnsureCreatedAsync(CancellationToken cancellationToken) => _created.EnsureAsync(cancellationToken);
}
