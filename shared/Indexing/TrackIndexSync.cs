using AudioFunctions.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Indexing;

/// <summary>
/// Keeps this instance's index current: at start it loads the snapshot (and its change log) and reconciles it with
/// the stored tracks (retrying while storage is unreachable), then reconciles every
/// <see cref="IndexOptions.SyncIntervalSeconds"/>, folding the log into a new snapshot when it has grown, and once
/// more on shutdown.
/// </summary>
public sealed partial class TrackIndexSync(TrackIndex index, IOptions<IndexOptions> options, ILogger<TrackIndexSync> logger) : BackgroundService
{
    private readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the index has been reconciled with storage for the first time.</summary>
    public Task FirstSync => _firstSync.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await index.LoadSnapshotAsync(stoppingToken);
        var interval = TimeSpan.FromSeconds(options.Value.SyncIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await index.ReconcileAsync(stoppingToken);
                await index.SaveSnapshotIfChangedAsync(stoppingToken);
                _firstSync.TrySetResult();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && (StorageFailures.IsUnavailable(e) || e is IOException))
            {
                SyncFailed(logger, e.Message);
            }
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await index.SaveSnapshotIfChangedAsync(cancellationToken, force: true);
        }
        catch (IOException e)
        {
            SyncFailed(logger, e.Message);
        }
    }

    [LoggerMessage(6101, LogLevel.Warning, "Index sync failed ({Reason}); retrying on the next interval")]
    private static partial void SyncFailed(ILogger logger, string reason);
}
