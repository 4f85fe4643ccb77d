namespace AudioFunctions.Indexing;

/// <summary>
/// The vectors of one (collection, space): unit vectors in one contiguous row-major float[] (row r at
/// [r·Dimensions, (r+1)·Dimensions)), with row-parallel arrays of track ids, version tags, filter fields and
/// filter terms, and a map from track id to row. Rows are dense: removal moves the last row into the hole.
/// </summary>
/// <remarks>
/// Concurrency: one <see cref="ReaderWriterLockSlim"/>. Searches, reads and snapshot writes hold the read
/// lock for their whole pass, so any number run together and each sees one consistent state; upserts and
/// removals hold the write lock only to copy an already normalised row in. Copy-on-write was rejected: it
/// would copy the whole vector array (hundreds of MB) per write, or need a segmented layout that breaks the
/// single contiguous scan. The cost of the choice is that a write waits for the scans in progress (one scan
/// is milliseconds) and, while a writer waits, new scans queue behind it, so writers are not starved.
/// </remarks>
internal sealed partial class VectorPartition
{
    private const int FirstCapacityRows = 16;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _rowOf = new(StringComparer.Ordinal);
    private readonly FilterTermTable _terms = new();
    private readonly int _maxRows;

    private float[] _vectors = [];
    private string[] _trackIds = [];
    private string[] _versionTags = [];
    private TrackFilterFields[] _fields = [];
    private int[] _albumTerms = [];
    private int[][] _artistTerms = [];
    private int[][] _genreTerms = [];
    private int _count;

    public VectorPartition(int dimensions)
    {
        Dimensions = dimensions;
        _maxRows = Array.MaxLength / dimensions;
    }

    public int Dimensions { get; }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Inserts or replaces a row. <paramref name="unitVector"/> is already normalised and validated.</summary>
    public void Upsert(string trackId, string versionTag, TrackFilterFields fields, ReadOnlySpan<float> unitVector)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_rowOf.TryGetValue(trackId, out var row))
                row = AppendRow(trackId);
            WriteRow(row, versionTag, fields, unitVector);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds a row read from a snapshot; a track id seen twice means the snapshot is corrupt.</summary>
    public void AddLoaded(string trackId, string versionTag, TrackFilterFields fields, ReadOnlySpan<float> unitVector)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_rowOf.ContainsKey(trackId))
                throw new InvalidDataException($"The snapshot holds track '{trackId}' twice in one partition.");
            WriteRow(AppendRow(trackId), versionTag, fields, unitVector);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public bool Remove(string trackId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_rowOf.Remove(trackId, out var row))
                return false;
            var last = _count - 1;
            if (row != last)
            {
                // Swap-with-last keeps rows dense in O(Dimensions); only the moved track's row changes.
                _vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(_vectors.AsSpan(row * Dimensions, Dimensions));
                _trackIds[row] = _trackIds[last];
                _versionTags[row] = _versionTags[last];
                _fields[row] = _fields[last];
                _albumTerms[row] = _albumTerms[last];
                _artistTerms[row] = _artistTerms[last];
                _genreTerms[row] = _genreTerms[last];
                _rowOf[_trackIds[row]] = row;
            }
            // Drop the references held by the vacated slot so the GC can collect them.
            _trackIds[last] = null!;
            _versionTags[last] = null!;
            _fields[last] = null!;
            _artistTerms[last] = null!;
            _genreTerms[last] = null!;
            _count = last;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public bool TryGetVector(string trackId, Span<float> destination)
    {
        _lock.EnterReadLock();
        try
        {
            if (!_rowOf.TryGetValue(trackId, out var row))
                return false;
            _vectors.AsSpan(row * Dimensions, Dimensions).CopyTo(destination);
            return true;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public Dictionary<string, string> Versions()
    {
        _lock.EnterReadLock();
        try
        {
            var versions = new Dictionary<string, string>(_count, StringComparer.Ordinal);
            for (var row = 0; row < _count; row++)
                versions.Add(_trackIds[row], _versionTags[row]);
            return versions;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Writes count, then every row in row order, all under one read lock (writers wait meanwhile).</summary>
    public void WriteTo(SnapshotWriter writer)
    {
        _lock.EnterReadLock();
        try
        {
            writer.WriteInt32(_count);
            for (var row = 0; row < _count; row++)
            {
                writer.WriteString(_trackIds[row]);
                writer.WriteString(_versionTags[row]);
                writer.WriteFields(_fields[row]);
                writer.WriteFloats(_vectors.AsSpan(row * Dimensions, Dimensions));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Claims a new last row for <paramref name="trackId"/>. Caller holds the write lock.</summary>
    private int AppendRow(string trackId)
    {
        if (_count == _trackIds.Length)
            Grow();
        var row = _count++;
        _trackIds[row] = trackId;
        _rowOf.Add(trackId, row);
        return row;
    }

    private void WriteRow(int row, string versionTag, TrackFilterFields fields, ReadOnlySpan<float> unitVector)
    {
        unitVector.CopyTo(_vectors.AsSpan(row * Dimensions, Dimensions));
        _versionTags[row] = versionTag;
        _fields[row] = fields;
        _albumTerms[row] = _terms.Intern(fields.Album);
        _artistTerms[row] = _terms.Intern(fields.Artists);
        _genreTerms[row] = _terms.Intern(fields.Genres);
    }

    /// <summary>Doubles the capacity (amortised O(1) per append), up to the largest float[] .NET allows.</summary>
    private void Grow()
    {
        if (_count == _maxRows)
            throw new InvalidOperationException($"A partition of {Dimensions}-dimensional vectors holds at most {_maxRows} tracks.");
        var capacity = (int)Math.Clamp(2L * _trackIds.Length, FirstCapacityRows, _maxRows);
        Array.Resize(ref _vectors, capacity * Dimensions);
        Array.Resize(ref _trackIds, capacity);
        Array.Resize(ref _versionTags, capacity);
        Array.Resize(ref _fields, capacity);
        Array.Resize(ref _albumTerms, capacity);
        Array.Resize(ref _artistTerms, capacity);
        Array.Resize(ref _genreTerms, capacity);
    }
}
