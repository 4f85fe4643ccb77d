using System.Collections.Concurrent;
using AudioFunctions.Storage;

namespace AudioFunctions.Sessions;

/// <summary>
/// The last session record this instance wrote or read, per session, so a steady stream of
/// frames skips one storage read each. It is only ever a copy of storage and never decides
/// anything alone: a stale copy makes the conditional append or the ETag swap fail, and the
/// frame is retried from a fresh read.
/// </summary>
public sealed class SessionRecordCache
{
    /// <summary>Bound on remembered sessions; past it the cache starts over (it is only a shortcut).</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Versioned<StreamSession>> _records = new(StringComparer.Ordinal);

    public bool TryGet(string sessionId, out Versioned<StreamSession> record) => _records.TryGetValue(sessionId, out record);

    public void Remember(Versioned<StreamSession> record)
    {
        if (record.Value.Status != SessionStatus.Active)
        {
            Forget(record.Value.SessionId);
            return;
        }
        if (_records.Count >= MaxEntries)
            _records.Clear();
        _records[record.Value.SessionId] = record;
    }

    public void Forget(string sessionId) => _records.TryRemove(sessionId, out _);
}
