namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// What this instance knows the search service holds: the tracks it may hold documents of, each with the stored document
/// version confirmed there completely (written by this instance, or found by a lookup) or none when a write failed or is
/// under way; and when each track was last written here, on a clock of its own. The reconciler compares listings against
/// it, so tracks confirmed at their listed version cost no request, and a track it knows of that is no longer stored is
/// removed; the clock lets it tell a track written after its listing began from one that was deleted.
/// </summary>
internal sealed class AzureSearchVersionLedger
{
    private readonly Lock _gate = new();
    /// <summary>Tracks the service may hold, with the version confirmed there (null: not known).</summary>
    private readonly Dictionary<string, string?> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrackWrites> _writes = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The current tick: writes that begin or end after this read have a later one.</summary>
    public long Now
    {
        get
        {
            lock (_gate)
                return _clock;
        }
    }

    public bool IsConfirmed(string trackId, string version)
    {
        lock (_gate)
            return _known.TryGetValue(trackId, out var confirmed) && confirmed == version;
    }

    /// <summary>The tracks the service may hold documents of, confirmed or not; a copy.</summary>
    public string[] KnownTrackIds()
    {
        lock (_gate)
            return [.. _known.Keys];
    }

    /// <summary>
    /// A write of the track to the service begins: until it ends well, what the service holds for it is unknown.
    /// </summary>
    public void BeginWrite(string trackId)
    {
        lock (_gate)
        {
            ref var writes = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_writes, trackId, out _);
            writes.InFlight++;
            // Two writes of one track that overlap may land in either order, index by index: neither may confirm.
            writes.Contended |= writes.InFlight > 1;
            writes.TouchedAt = ++_clock;
            _known[trackId] = null;
        }
    }

    /// <summary>
    /// A write begun by <see cref="BeginWrite"/> ended. When it <paramref name="succeeded"/> alone, the service now
    /// holds <paramref name="version"/> completely, or nothing for a removal (null); otherwise it holds something
    /// unknown, which the reconciler looks up (or removes, once the track is no longer stored).
    /// </summary>
    public void EndWrite(string trackId, string? version, bool succeeded)
    {
        lock (_gate)
        {
            ref var writes = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_writes, trackId, out _);
            writes.InFlight--;
            writes.TouchedAt = ++_clock;
            if (!succeeded || writes.Contended)
                _known[trackId] = null;
            else if (version is not null)
                _known[trackId] = version;
            else if (writes.InFlight == 0)
                _known.Remove(trackId);
            if (writes.InFlight == 0)
                writes.Contended = false;
        }
    }

    /// <summary>Whether a write of the track is under way or has happened after tick <paramref name="tick"/>.</summary>
    public bool ChangedSince(string trackId, long tick)
    {
        lock (_gate)
            return _writes.TryGetValue(trackId, out var writes) && (writes.InFlight > 0 || writes.TouchedAt > tick);
    }

    /// <summary>Records that a lookup found <paramref name="version"/> complete, unless a write since <paramref name="tick"/> may have changed it.</summary>
    public bool ConfirmUnlessChangedSince(string trackId, string version, long tick)
    {
        lock (_gate)
        {
            if (_writes.TryGetValue(trackId, out var writes) && (writes.InFlight > 0 || writes.TouchedAt > tick))
                return false;
            _known[trackId] = version;
            return true;
        }
    }

    /// <summary>
    /// Forgets the write times of tracks with no write under way. Call between passes only: a pass that starts later
    /// reads a later <see cref="Now"/>, against which every forgotten time would have counted as "before" anyway.
    /// </summary>
    public void ForgetSettledWrites()
    {
        lock (_gate)
            foreach (var (trackId, writes) in _writes)
                if (writes.InFlight == 0)
                    _writes.Remove(trackId);
    }

    private struct TrackWrites
    {
        public int InFlight;
        public bool Contended;
        public long TouchedAt;
    }
}
