using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// Repairs Azure AI Search from the stored tracks, the source of truth. Writes reach the service right after the track
/// document is saved (or deleted); a process that dies in between leaves the service stale, and nothing else would
/// notice. Every <see cref="IndexOptions.SyncIntervalSeconds"/> a pass lists the stored documents and, for each track
/// whose listed version this instance has not confirmed in the service, looks up the versions its documents carry there
/// and writes the track again when they are missing, stale or incomplete; a track this instance knew in the service that
/// is no longer stored is removed from it. Confirmed versions are remembered (<see cref="AzureSearchVersionLedger"/>),
/// so a pass over unchanged tracks costs the storage listing and no request to the service; the first pass after start
/// confirms every track: one search per <see cref="AzureSearchBackend.LookupBatchSize"/> track ids per index of the
/// deployment, plus a write per track that needs one. A pass that cannot reach storage or the service is logged and
/// tried again at the next interval.
/// </summary>
public sealed partial class AzureSearchReconciler(
    TrackStore store,
    AzureSearchBackend backend,
    TrackSearchUpdates updates,
    IOptions<IndexOptions> options,
    ILogger<AzureSearchReconciler> logger) : BackgroundService
{
    /// <summary>Passes run one at a time: the ledger's write times are forgotten between them.</summary>
    private readonly SemaphoreSlim _passGate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.SyncIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong, the host keeps serving: the next pass starts over from the listing.
                PassFailed(logger, Reason(e), e);
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

    /// <summary>
    /// One pass: the tracks written again (missing, stale or incomplete in the service, or gone from storage by the time
    /// they were read) and those removed (known in the service, no longer stored).
    /// </summary>
    /// <exception cref="AzureSearchRequestException">The service is unavailable; the pass stopped (written tracks stay written).</exception>
    public async Task<(int Repaired, int Removed)> RunPassAsync(CancellationToken cancellationToken)
    {
        await _passGate.WaitAsync(cancellationToken);
        try
        {
            var ledger = backend.Versions;
            // A track written after this tick may be missing from the listing without having been deleted.
            var listedAt = ledger.Now;
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var unconfirmed = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var (blobName, etag, _, _) in store.ListDocumentsAsync(cancellationToken))
            {
                var trackId = TrackStore.TrackIdOf(blobName);
                var version = TrackStore.Version(etag);
                listed.Add(trackId);
                if (!ledger.IsConfirmed(trackId, version))
                    unconfirmed[trackId] = version;
            }

            var repaired = 0;
            var current = await backend.FindCurrentAsync(unconfirmed, listedAt, cancellationToken);
            foreach (var trackId in unconfirmed.Keys)
            {
                // Written since the listing: that write tells the service; if it failed, the next pass sees it.
                if (current.Contains(trackId) || ledger.ChangedSince(trackId, listedAt))
                    continue;
                if (await RepairAsync(trackId, cancellationToken))
                    repaired++;
            }

            var removed = 0;
            foreach (var trackId in ledger.KnownTrackIds())
            {
                if (listed.Contains(trackId) || ledger.ChangedSince(trackId, listedAt))
                    continue;
                await backend.RemoveAsync(trackId, cancellationToken);
                removed++;
            }

            ledger.ForgetSettledWrites();
            if (repaired + removed > 0)
                Reconciled(logger, unconfirmed.Count, repaired, removed);
            return (repaired, removed);
        }
        finally
        {
            _passGate.Release();
        }
    }

    /// <summary>Writes the track as storage now holds it; false when this one track could not be written and the pass goes on.</summary>
    private async Task<bool> RepairAsync(string trackId, CancellationToken cancellationToken)
    {
        try
        {
            await updates.RefreshAsync(trackId, cancellationToken);
            return true;
        }
        catch (InvalidDataException e)
        {
            // A space being deleted: the document changes again, and a later pass reads it whole.
            RepairSkipped(logger, trackId, e.Message);
            return false;
        }
        catch (AzureSearchRequestException e) when (!e.IsTransient)
        {
            // This track's document was refused; the others may still go through. A transient failure ends the pass.
            RepairSkipped(logger, trackId, e.Message);
            return false;
        }
    }

    private static string Reason(Exception e) =>
        e is AzureSearchRequestException ? e.Message
        : StorageFailures.IsUnavailable(e) ? "storage unavailable: " + e.Message
        : e.GetType().Name + ": " + e.Message;

    [LoggerMessage(6311, LogLevel.Information, "Search service reconciled with storage: {Checked} tracks looked up, {Repaired} written again, {Removed} removed")]
    private static partial void Reconciled(ILogger logger, int @checked, int repaired, int removed);

    [LoggerMessage(6312, LogLevel.Warning, "Search service reconciliation failed ({Reason}); retrying on the next interval")]
    private static partial void PassFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(6313, LogLevel.Warning, "Track {TrackId} could not be written to the search service during reconciliation ({Reason}); trying again next pass")]
    private static partial void RepairSkipped(ILogger logger, string trackId, string reason);
}
