using System.Collections.Concurrent;
using System.Text.Json;
using AudioFunctions.Embedding;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Indexing;

/// <summary>
/// The searchable tracks of this instance: an in-process vector index (both collections, every embedding space)
/// plus each track's metadata, reconciled with the stored tracks, which remain the source of truth. Persisted as a
/// snapshot (<see cref="TrackIndexSnapshot"/>) plus an append log of every change since (<see cref="IndexJournal"/>),
/// so a change costs one appended record, not a new snapshot, and a process that dies at any moment leaves the last
/// snapshot and the valid prefix of the log: what loads at start. The log is folded into a new snapshot when it
/// outgrows <see cref="IndexOptions.JournalCompactBytes"/> and on shutdown. A missing or corrupt snapshot is moved
/// aside and the index rebuilt from storage, never fatal.
/// </summary>
public sealed partial class TrackIndex(TrackStore store, IOptions<IndexOptions> options, ILogger<TrackIndex> logger)
{
    private readonly ConcurrentDictionary<string, IndexedTrack> _tracks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _persistGate = new(1, 1);

    /// <summary>Held while a change is applied and logged, so the log's order is the order changes took effect.</summary>
    private readonly Lock _writeGate = new();

    /// <summary>When each track was last applied, on <see cref="_applied"/>'s clock.</summary>
    private readonly ConcurrentDictionary<string, long> _appliedAt = new(StringComparer.Ordinal);
    private long _applied;
    private IPersistentVectorIndex _index = options.Value.CreateVectorIndex();
    private volatile bool _dirty;

    /// <summary>
    /// Whether this index holds the tracks' vectors. With Azure AI Search as the backend it holds the documents only
    /// (search reads their metadata here), so an instance's memory does not grow with the vectors.
    /// </summary>
    private readonly bool _holdsVectors = options.Value.Backend == IndexOptions.Embedded;

    /// <summary>The log of changes since the last snapshot; null until there is a snapshot it can follow.</summary>
    private IndexJournal? _journal;
    private long _generation;

    public IVectorIndex Vectors => _index;

    /// <summary>Whether <see cref="Vectors"/> holds the tracks' vectors (embedded search) or stays empty (a search service holds them).</summary>
    public bool HoldsVectors => _holdsVectors;

    public int TrackCount => _tracks.Count;

    public bool TryGetTrack(string trackId, out StoredTrack track)
    {
        var found = _tracks.TryGetValue(trackId, out var indexed);
        track = indexed?.Track!;
        return found;
    }

    /// <summary>Puts a stored track's vectors in the index (replacing what it had), tagged with its document's version.</summary>
    public void Apply(StoredTrack track, string version, IReadOnlyList<TrackVector> vectors)
    {
        lock (_writeGate)
        {
            var indexed = new IndexedTrack(track, version);
            ApplyUnlogged(indexed, vectors);
            Log(new IndexJournalEntry(track.TrackId, indexed, vectors));
        }
    }

    /// <summary>Takes the track and its vectors out; false when it was not here.</summary>
    public bool Remove(string trackId)
    {
        lock (_writeGate)
        {
            if (!RemoveUnlogged(trackId))
                return false;
            Log(IndexJournalEntry.Removal(trackId));
            return true;
        }
    }

    /// <summary>Loads the snapshot and replays the log after it, if there is a sound snapshot.</summary>
    public async Task LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.SnapshotPath;
        if (!File.Exists(path))
        {
            // A log only makes sense on top of its snapshot.
            DeleteJournals(before: long.MaxValue);
            return;
        }
        try
        {
            TrackIndexSnapshot snapshot;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                snapshot = TrackIndexSnapshot.Read(file, options.Value.HnswSettings);
            IPersistentVectorIndex vectors;
            if (!_holdsVectors)
            {
                vectors = options.Value.CreateVectorIndex();
            }
            else if (snapshot.Vectors is null)
            {
                // Written while a search service held the vectors: documents alone are of no use to an index that
                // searches, so it starts empty and the reconciliation reads every track whole.
                DeleteJournals(before: long.MaxValue);
                SnapshotWithoutVectors(logger, path);
                return;
            }
            else if (snapshot.Vectors.Kind != options.Value.VectorIndexKind)
            {
                vectors = Converted(snapshot.Vectors, snapshot.Tracks);
                SnapshotConverted(logger, snapshot.Vectors.Kind, vectors.Kind);
            }
            else
            {
                vectors = snapshot.Vectors;
            }
            lock (_writeGate)
            {
                _tracks.Clear();
                foreach (var track in snapshot.Tracks)
                    _tracks[track.Track.TrackId] = track;
                _index = vectors;
                _generation = snapshot.Generation;
                var replayed = 0;
                foreach (var generation in IndexJournal.Generations(path).Where(g => g >= _generation))
                {
                    foreach (var entry in IndexJournal.Read(IndexJournal.PathOf(path, generation)).Entries)
                    {
                        if (entry.Track is null)
                            RemoveUnlogged(entry.TrackId);
                        else
                            ApplyUnlogged(entry.Track, entry.Vectors);
                        replayed++;
                    }
                    _generation = generation;
                }
                DeleteJournals(before: _generation);
                _journal = IndexJournal.Open(path, _generation);
                _dirty = replayed > 0;
                SnapshotLoaded(logger, _tracks.Count, replayed);
            }
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            var suffix = $".corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
            if (File.Exists(path))
                File.Move(path, path + suffix, overwrite: true);
            DeleteJournals(before: long.MaxValue);
            SnapshotCorrupt(logger, path, suffix, e);
            lock (_writeGate)
            {
                _tracks.Clear();
                _index = options.Value.CreateVectorIndex();
                _journal?.Dispose();
                _journal = null;
            }
        }
    }

    /// <summary>Brings the index in line with the stored tracks: new and changed tracks in, deleted ones out.</summary>
    public async Task<(int Updated, int Removed)> ReconcileAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var updated = 0;
        // A track stored and applied after the listing began is missing from it but not deleted.
        var listedAt = Interlocked.Read(ref _applied);
        await foreach (var (blobName, etag, _, _) in store.ListDocumentsAsync(cancellationToken))
        {
            var trackId = TrackStore.TrackIdOf(blobName);
            seen.Add(trackId);
            if (_tracks.TryGetValue(trackId, out var known) && known.Version == TrackStore.Version(etag))
                continue;
            if (await store.ReadDocumentAsync(blobName, cancellationToken) is not { } document)
                continue; // deleted since the listing
            var track = document.Value;
            IReadOnlyList<TrackVector> vectors;
            try
            {
                vectors = _holdsVectors ? await store.GetVectorsAsync(track, cancellationToken) : [];
            }
            catch (InvalidDataException)
            {
                continue;   // a space being deleted: its document changes again, and the next pass reads it whole
            }
            Apply(track, TrackStore.Version(document.ETag), vectors);
            updated++;
        }

        var removed = 0;
        foreach (var trackId in _tracks.Keys)
            if (!seen.Contains(trackId) && _appliedAt.GetValueOrDefault(trackId) <= listedAt && Remove(trackId))
                removed++;
        if (updated + removed > 0)
            Reconciled(logger, updated, removed, _tracks.Count);
        return (updated, removed);
    }

    /// <summary>
    /// Folds the log into a new snapshot when it has grown past <see cref="IndexOptions.JournalCompactBytes"/>, when
    /// there is no snapshot for it to follow yet, or (<paramref name="force"/>, on shutdown) whenever anything changed.
    /// The log moves to a new generation first, so changes made while the snapshot is written are logged there; the
    /// snapshot (temp file, then rename) names that generation, and older logs are deleted after it is in place.
    /// </summary>
    public async Task SaveSnapshotIfChangedAsync(CancellationToken cancellationToken, bool force = false)
    {
        if (!_dirty)
            return;
        var journal = _journal;
        if (!force && journal is not null && journal.Bytes < options.Value.JournalCompactBytes)
            return;
        await _persistGate.WaitAsync(cancellationToken);
        try
        {
            var path = options.Value.SnapshotPath;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            long generation;
            List<IndexedTrack> tracks;
            IPersistentVectorIndex index;
            lock (_writeGate)
            {
                generation = _generation + 1;
                _journal?.FlushToDisk();
                _journal?.Dispose();
                _journal = IndexJournal.Open(path, generation);
                _generation = generation;
                _dirty = false;
                tracks = [.. _tracks.Values];
                index = _index;
            }
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp"; // instances sharing a folder never write the same temporary file
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                TrackIndexSnapshot.Write(file, generation, tracks, _holdsVectors ? index : null);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            DeleteJournals(before: generation);
        }
        catch
        {
            _dirty = true;
            throw;
        }
        finally
        {
            _persistGate.Release();
        }
    }

    private void ApplyUnlogged(IndexedTrack indexed, IReadOnlyList<TrackVector> vectors)
    {
        var track = indexed.Track;
        var fields = TrackFilterFields.From(track.Metadata);
        if (_tracks.TryGetValue(track.TrackId, out var previous))
            RemoveVectors(previous);
        if (_holdsVectors)
        {
            foreach (var vector in vectors)
                _index.Upsert(vector.Collection, vector.Space, track.TrackId, vector.Values, fields, indexed.Version);
        }
        _tracks[track.TrackId] = indexed;
        _appliedAt[track.TrackId] = Interlocked.Increment(ref _applied);
        _dirty = true;
    }

    private bool RemoveUnlogged(string trackId)
    {
        if (!_tracks.TryRemove(trackId, out var indexed))
            return false;
        RemoveVectors(indexed);
        _appliedAt[trackId] = Interlocked.Increment(ref _applied);
        _dirty = true;
        return true;
    }

    /// <summary>Appends a change to the log. A log that cannot be written is dropped; the next save writes a snapshot.</summary>
    private void Log(IndexJournalEntry entry)
    {
        if (_journal is null)
            return;
        try
        {
            _journal.Append(entry);
        }
        catch (IOException e)
        {
            JournalFailed(logger, e);
            _journal.Dispose();
            _journal = null;
        }
    }

    /// <summary>
    /// The vectors of a snapshot written by another kind of index, copied into one of the configured kind (in
    /// parallel: a graph is built as they go in), so changing <see cref="IndexOptions.Kind"/> never goes back to storage.
    /// </summary>
    private IPersistentVectorIndex Converted(IPersistentVectorIndex loaded, IReadOnlyList<IndexedTrack> tracks)
    {
        var converted = options.Value.CreateVectorIndex();
        var fields = new Dictionary<string, TrackFilterFields>(tracks.Count, StringComparer.Ordinal);
        foreach (var indexed in tracks)
            fields[indexed.Track.TrackId] = TrackFilterFields.From(indexed.Track.Metadata);
        foreach (var collection in new[] { VectorCollection.Audio, VectorCollection.Text })
        {
            foreach (var space in loaded.Spaces(collection))
            {
                Parallel.ForEach(loaded.Versions(collection, space), () => new float[space.Dimensions], (entry, _, vector) =>
                {
                    // A vector without its track document is left out; the next reconciliation applies the track whole.
                    if (fields.TryGetValue(entry.Key, out var trackFields) && loaded.TryGetVector(collection, space, entry.Key, vector))
                        converted.Upsert(collection, space, entry.Key, vector, trackFields, entry.Value);
                    return vector;
                }, static _ => { });
            }
        }
        return converted;
    }

    private void DeleteJournals(long before)
    {
        var path = options.Value.SnapshotPath;
        foreach (var generation in IndexJournal.Generations(path).Where(g => g < before))
            File.Delete(IndexJournal.PathOf(path, generation));
    }

    private void RemoveVectors(IndexedTrack indexed)
    {
        if (!_holdsVectors)
            return;
        foreach (var collection in new[] { VectorCollection.Audio, VectorCollection.Text })
            foreach (var space in indexed.Track.Spaces(collection))
                _index.Remove(collection, EmbeddingSpace.Parse(space), indexed.Track.TrackId);
    }

    [LoggerMessage(6001, LogLevel.Information, "Index snapshot loaded with {Tracks} tracks after replaying {Changes} logged changes")]
    private static partial void SnapshotLoaded(ILogger logger, int tracks, int changes);

    [LoggerMessage(6002, LogLevel.Warning, "Index snapshot {Path} is unreadable; moved aside with suffix {Suffix}, rebuilding from storage")]
    private static partial void SnapshotCorrupt(ILogger logger, string path, string suffix, Exception exception);

    [LoggerMessage(6003, LogLevel.Information, "Index reconciled with storage: {Updated} updated, {Removed} removed, {Tracks} tracks")]
    private static partial void Reconciled(ILogger logger, int updated, int removed, int tracks);

    [LoggerMessage(6006, LogLevel.Information, "Index snapshot {Path} holds track documents without vectors; rebuilding from storage")]
    private static partial void SnapshotWithoutVectors(ILogger logger, string path);

    [LoggerMessage(6005, LogLevel.Information, "Index snapshot of kind {Stored} converted to the configured kind {Configured}")]
    private static partial void SnapshotConverted(ILogger logger, VectorIndexKind stored, VectorIndexKind configured);

    [LoggerMessage(6004, LogLevel.Warning, "The index's change log cannot be written; changes are kept until the next snapshot")]
    private static partial void JournalFailed(ILogger logger, Exception exception);
}
