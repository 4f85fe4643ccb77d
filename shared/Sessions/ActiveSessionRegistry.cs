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

    /// <summary>Compare-and-swap attempts (against other instances) before a batch of changes is reported as busy.</summary>
    private const int MaxAttempts = 64;

    private readonly JsonBlobStore _store = new(containers.Sessions, containers);

    /// <summary>Changes waiting for this instance's writer.</summary>
    private readonly List<PendingChange> _pending = [];

    /// <summary>One writer of the table per instance at a time; it writes every waiting change.</summary>
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>True in the flow of a batch being written (see <see cref="ChangeAsync"/>).</summary>
    private readonly AsyncLocal<bool> _writing = new();

    public async Task<IReadOnlyList<ActiveSessionEntry>> GetEntriesAsync(CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).Value.Entries;

    /// <summary>
    /// Adds <paramref name="entry"/> unless its track already has a live session (409) or the
    /// service holds <paramref name="maxSessions"/> live sessions (503). <paramref name="isLive"/>
    /// decides, from storage, whether an existing entry still counts; it is asked only on conflict.
    /// </summary>
    public Task AddAsync(
        ActiveSessionEntry entry,
        int maxSessions,
        Func<ActiveSessionEntry, CancellationToken, Task<bool>> isLive,
        CancellationToken cancellationToken) =>
        ChangeAsync(async entries =>
        {
            var known = new Dictionary<string, bool>(StringComparer.Ordinal); // sessionId -> live, asked once per try
            async Task<bool> Live(ActiveSessionEntry e)
            {
                if (!known.TryGetValue(e.SessionId, out var live))
                    known[e.SessionId] = live = await isLive(e, CancellationToken.None);
                return live;
            }

            for (var i = entries.Count - 1; i >= 0; i--)
            {
                var existing = entries[i];
                if (existing.TrackId != entry.TrackId)
                    continue;
                if (await Live(existing))
                    throw ServiceException.Conflict(ErrorCodes.SessionExists,
                        $"Track '{entry.TrackId}' already has an active session ({existing.SessionId}).");
                entries.RemoveAt(i);
            }
            if (entries.Count >= maxSessions)
            {
                // Only at the limit is it worth reading every record to drop entries left by crashes.
                for (var i = entries.Count - 1; i >= 0; i--)
                    if (!await Live(entries[i]))
                        entries.RemoveAt(i);
                if (entries.Count >= maxSessions)
                    throw ServiceException.Unavailable(ErrorCodes.SessionLimitReached,
                        $"The service already holds its limit of {maxSessions} active sessions; end one or retry later.");
            }
            entries.Add(entry);
            return true;
        }, cancellationToken);

    /// <summary>Removes the entry of <paramref name="sessionId"/>, if present.</summary>
    public Task RemoveAsync(string sessionId, CancellationToken cancellationToken) =>
        ChangeAsync(entries => Task.FromResult(entries.RemoveAll(e => e.SessionId == sessionId) > 0), cancellationToken);

    /// <summary>
    /// Applies a change to the table. Changes asked for in this process at the same moment are
    /// written together (group commit): one writer per instance reads the table, applies every
    /// waiting change in order and saves once, so a burst of starts and ends costs a few
    /// compare-and-swaps instead of one contest per request. A change that refuses (throws a
    /// <see cref="ServiceException"/>) fails alone; the others are saved without it.
    /// </summary>
    /// <remarks>
    /// A change asked for while a batch is being written, from inside it, is skipped: that happens
    /// when checking whether an entry is live expires its session, whose release then removes the
    /// entry, and the change being applied drops every entry it finds not live anyway. Waiting for
    /// the writer there would wait for itself.
    /// </remarks>
    /// <param name="change">Edits the entries in place; returns whether it changed anything.</param>
    /// <param name="cancellationToken">Stops waiting for the writer; a batch once started is written whole.</param>
    private async Task ChangeAsync(Func<List<ActiveSessionEntry>, Task<bool>> change, CancellationToken cancellationToken)
    {
        if (_writing.Value)
            return;
        var pending = new PendingChange(change);
        lock (_pending)
            _pending.Add(pending);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (!pending.Done.Task.IsCompleted)
                await WriteBatchAsync();
        }
        finally
        {
            _writer.Release();
        }
        await pending.Done.Task;
    }

    /// <summary>Writes every waiting change; completes each one's task with its own outcome. Never throws.</summary>
    private async Task WriteBatchAsync()
    {
        _writing.Value = true;
        PendingChange[] batch;
        lock (_pending)
        {
            batch = [.. _pending];
            _pending.Clear();
        }
        try
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                // The batch runs to its end whoever asked: one caller giving up must not fail the others.
                var (table, etag) = await LoadAsync(CancellationToken.None);
                var entries = table.Entries.ToList();
                var changed = false;
                var refusals = new Exception?[batch.Length];
                for (var i = 0; i < batch.Length; i++)
                {
                    var before = entries.ToList();
                    try
                    {
                        changed |= await batch[i].Change(entries);
                    }
                    catch (ServiceException refused)
                    {
                        entries = before;
                        refusals[i] = refused;
                    }
                }
                if (!changed || await TrySaveAsync(new ActiveSessionTable { Entries = entries }, etag, CancellationToken.None))
                {
                    for (var i = 0; i < batch.Length; i++)
                        if (refusals[i] is { } refusal)
                            batch[i].Done.TrySetException(refusal);
                        else
                            batch[i].Done.TrySetResult();
                    return;
                }
                await BackOffAsync(attempt, CancellationToken.None);
            }
            var busy = ServiceException.Unavailable(ErrorCodes.SessionBusy, "The session registry is busy; retry shortly.");
            foreach (var pending in batch)
                pending.Done.TrySetException(busy);
        }
        catch (Exception failure)
        {
            foreach (var pending in batch)
                pending.Done.TrySetException(failure);
        }
    }

    private sealed class PendingChange(Func<List<ActiveSessionEntry>, Task<bool>> change)
    {
        public Func<List<ActiveSessionEntry>, Task<bool>> Change { get; } = change;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
