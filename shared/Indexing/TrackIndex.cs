using System.Collections.Concurrent;
using System.Text.Json;
using AudioFunctions.Embedding;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Indexing;

/// <summary>
/// The searchable tracks of this instance: an in-process vector index (both collections, every
/// embedding space) plus each track's metadata, persisted as a local snapshot and reconciled with
/// the stored tracks, which remain the source of truth. A missing or corrupt snapshot is moved
/// aside and rebuilt from storage, never fatal.
/// </summary>
public sealed partial class TrackIndex(TrackStore store, IOptions<IndexOptions> options, ILogger<TrackIndex> logger)
{
    private readonly ConcurrentDictionary<string, IndexedTrack> _tracks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _persistGate = new(1, 1);

    /// <summary>When each track was last applied, on <see cref="_applied"/>'s clock.</summary>
    private readonly ConcurrentDictionary<string, long> _appliedAt = new(StringComparer.Ordinal);
    private long _applied;
    private ExactVectorIndex _index = new();
    private volatile bool _dirty;

    public IVectorIndex Vectors => _index;

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
        var fields = TrackFilterFields.From(track.Metadata);
        if (_tracks.TryGetValue(track.TrackId, out var previous))
            RemoveVectors(previous);
        foreach (var vector in vectors)
            _index.Upsert(vector.Collection, vector.Space, track.TrackId, vector.Values, fields, version);
        _tracks[track.TrackId] = new IndexedTrack(track, version);
        _appliedAt[track.TrackId] = Interlocked.Increment(ref _applied);
        _dirty = true;
    }

    /// <summary>
    /// Adds one vector to a track already in the index, or takes one out (<paramref name="vector"/> null), after its
    /// document gained or lost that space: <paramref name="track"/> and <paramref name="version"/> are the new document.
    /// </summary>
    public void Change(StoredTrack track, string version, VectorCollection collection, EmbeddingSpace space, float[]? vector)
    {
        var fields = TrackFilterFields.From(track.Metadata);
        if (vector is null)
            _index.Remove(collection, space, track.TrackId);
        else
            _index.Upsert(collection, space, track.TrackId, vector, fields, version);
        _tracks[track.TrackId] = new IndexedTrack(track, version);
        _appliedAt[track.TrackId] = Interlocked.Increment(ref _applied);
        _dirty = true;
    }

    /// <summary>Takes the track and its vectors out; false when it was not here.</summary>
    public bool Remove(string trackId)
    {
        if (!_tracks.TryRemove(trackId, out var indexed))
            return false;
        RemoveVectors(indexed);
        _appliedAt[trackId] = Interlocked.Increment(ref _applied);
        _dirty = true;
        return true;
    }

    /// <summary>Loads the local snapshot, if there is a sound one.</summary>
    public async Task LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        var (vectorsPath, tracksPath) = Paths();
        if (!File.Exists(vectorsPath) || !File.Exists(tracksPath))
            return;
        try
        {
            ExactVectorIndex index;
            await using (var vectors = File.OpenRead(vectorsPath))
                index = ExactVectorIndex.LoadSnapshot(vectors);
            await using var tracks = File.OpenRead(tracksPath);
            var list = await JsonSerializer.DeserializeAsync(tracks, IndexJsonContext.Default.ListIndexedTrack, cancellationToken)
                ?? throw new InvalidDataException("The track list is JSON null.");
            _tracks.Clear();
            foreach (var track in list)
                _tracks[track.Track.TrackId] = track;
            _index = index;
            SnapshotLoaded(logger, _tracks.Count);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            var suffix = $".corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
            foreach (var path in new[] { vectorsPath, tracksPath })
                if (File.Exists(path))
                    File.Move(path, path + suffix, overwrite: true);
            SnapshotCorrupt(logger, vectorsPath, suffix, e);
            _tracks.Clear();
            _index = new ExactVectorIndex();
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
                vectors = await store.GetVectorsAsync(track, cancellationToken);
            }
            catch (InvalidDataException)
            {
                continue;   // a space being deleted: its document changes again, and the next pass reads it whole
            }
            Apply(track, TrackStore.Version(document.ETag), vectors);
            updated++;
        }

        var removed = 0;
        foreach (var (trackId, indexed) in _tracks)
        {
            if (seen.Contains(trackId) || _appliedAt.GetValueOrDefault(trackId) > listedAt || !_tracks.TryRemove(trackId, out _))
                continue;
            _appliedAt.TryRemove(trackId, out _);
            RemoveVectors(indexed);
            removed++;
            _dirty = true;
        }
        if (updated + removed > 0)
            Reconciled(logger, updated, removed, _tracks.Count);
        return (updated, removed);
    }

    /// <summary>Writes the snapshot if anything changed since the last one (atomically: temp file, then rename).</summary>
    public async Task SaveSnapshotIfChangedAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
            return;
        await _persistGate.WaitAsync(cancellationToken);
        try
        {
            _dirty = false;
            var (vectorsPath, tracksPath) = Paths();
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(vectorsPath))!);
            await WriteAtomicallyAsync(vectorsPath, stream => { _index.SaveSnapshot(stream); return Task.CompletedTask; });
            var list = _tracks.Values.ToList();
            await WriteAtomicallyAsync(tracksPath, stream => JsonSerializer.SerializeAsync(stream, list, IndexJsonContext.Default.ListIndexedTrack, cancellationToken));
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

    private void RemoveVectors(IndexedTrack indexed)
    {
        foreach (var collection in new[] { VectorCollection.Audio, VectorCollection.Text })
            foreach (var space in indexed.Track.Spaces(collection))
                _index.Remove(collection, EmbeddingSpace.Parse(space), indexed.Track.TrackId);
    }

    private (string Vectors, string Tracks) Paths()
    {
        var vectors = options.Value.SnapshotPath;
        return (vectors, vectors + ".tracks.json");
    }

    private static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp"; // instances sharing a folder never write the same temporary file
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await write(stream);
            await stream.FlushAsync();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(6001, LogLevel.Information, "Index snapshot loaded with {Tracks} tracks")]
    private static partial void SnapshotLoaded(ILogger logger, int tracks);

    [LoggerMessage(6002, LogLevel.Warning, "Index snapshot {Path} is unreadable; moved aside with suffix {Suffix}, rebuilding from storage")]
    private static partial void SnapshotCorrupt(ILogger logger, string path, string suffix, Exception exception);

    [LoggerMessage(6003, LogLevel.Information, "Index reconciled with storage: {Updated} updated, {Removed} removed, {Tracks} tracks")]
    private static partial void Reconciled(ILogger logger, int updated, int removed, int tracks);
}
