using Azure;
using AudioFunctions.Errors;
using AudioFunctions.Storage;

namespace AudioFunctions.Sessions;

/// <summary>
/// The service-wide table of active sessions, one JSON blob changed by compare-and-swap. It makes
/// "one active session per track" and "at most N sessions" hold across every instance at once.
/// Entries are removed when a session leaves the active state; an entry left behind by a crash is
/// found stale (its record is final, expired or missing) and dropped by the next writer or the sweep.
/// </summary>
public sealed class ActiveSessionRegistry(StorageContainers containers)
{
    public const string BlobName = "active-sessions.json";

    /// <summary>Compare-and-swap attempts before a burst of concurrent starts is reported as busy.</summary>
    private const int MaxAttempts = 64;

    private readonly JsonBlobStore _store = new(containers.Sessions, containers);

    public async Task<IReadOnlyList<ActiveSessionEntry>> GetEntriesAsync(CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).Value.Entries;

    /// <summary>
    /// Adds <paramref name="entry"/> unless its track already has a live session (409) or the
    /// service holds <paramref name="maxSessions"/> live sessions (503). <paramref name="isLive"/>
    /// decides, from storage, whether an existing entry still counts; it is asked only on conflict.
    /// </summary>
    public async Task AddAsync(
        ActiveSessionEntry entry,
        int maxSessions,
        Func<ActiveSessionEntry, CancellationToken, Task<bool>> isLive,
        CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, bool>(StringComparer.Ordinal); // sessionId -> live, asked once per call
        async Task<bool> Live(ActiveSessionEntry e)
        {
            if (!known.TryGetValue(e.SessionId, out var live))
                known[e.SessionId] = live = await isLive(e, cancellationToken);
            return live;
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (table, etag) = await LoadAsync(cancellationToken);
            var entries = new List<ActiveSessionEntry>(table.Entries.Count + 1);
            foreach (var existing in table.Entries)
            {
                if (existing.TrackId == entry.TrackId && await Live(existing))
                    throw ServiceException.Conflict(ErrorCodes.SessionExists,
                        $"Track '{entry.TrackId}' already has an active session ({existing.SessionId}).");
                if (existing.TrackId != entry.TrackId)
                    entries.Add(existing);
            }

            if (entries.Count >= maxSessions)
            {
                // Only at the limit is it worth reading every record to drop entries left by crashes.
                var live = new List<ActiveSessionEntry>(entries.Count + 1);
                foreach (var existing in entries)
                    if (await Live(existing))
                        live.Add(existing);
                if (live.Count >= maxSessions)
                    throw ServiceException.Unavailable(ErrorCodes.SessionLimitReached,
                        $"The service already holds its limit of {maxSessions} active sessions; end one or retry later.");
                entries = live;
            }

            entries.Add(entry);
            if (await TrySaveAsync(new ActiveSessionTable { Entries = entries }, etag, cancellationToken))
                return;
            await BackOffAsync(attempt, cancellationToken);
        }
        throw ServiceException.Unavailable(ErrorCodes.SessionBusy, "Too many sessions are starting at once; retry shortly.");
    }

    /// <summary>Removes the entry of <paramref name="sessionId"/>, if present.</summary>
    public async Task RemoveAsync(string sessionId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (table, etag) = await LoadAsync(cancellationToken);
            var entries = table.Entries.Where(e => e.SessionId != sessionId).ToList();
            if (entries.Count == table.Entries.Count)
                return;
            if (await TrySaveAsync(new ActiveSessionTable { Entries = entries }, etag, cancellationToken))
                return;
            await BackOffAsync(attempt, cancellationToken);
        }
        throw ServiceException.Unavailable(ErrorCodes.SessionBusy, "The session registry is busy; retry shortly.");
    }

    private async Task<Versioned<ActiveSessionTable>> LoadAsync(CancellationToken cancellationToken) =>
        await _store.GetAsync(BlobName, SessionJsonContext.Default.ActiveSessionTable, cancellationToken)
            ?? new Versioned<ActiveSessionTable>(new ActiveSessionTable(), default);

    private async Task<bool> TrySaveAsync(ActiveSessionTable table, ETag etag, CancellationToken cancellationToken)
    {
        var type = SessionJsonContext.Default.ActiveSessionTable;
        var written = etag == default
            ? await _store.TryCreateAsync(BlobName, table, type, cancellationToken)
            : await _store.TryReplaceAsync(BlobName, table, etag, type, cancellationToken);
        return written is not null;
    }

    /// <summary>Randomised, growing pause so contending writers stop colliding.</summary>
    internal static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(Random.Shared.Next(1, 4 << Math.Min(attempt, 5)), cancellationToken);
}
