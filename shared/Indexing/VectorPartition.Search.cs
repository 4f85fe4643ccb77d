using System.Buffers;
using System.Numerics.Tensors;

namespace AudioFunctions.Indexing;

internal sealed partial class VectorPartition
{
    /// <summary>
    /// Exact top-k by dot product against a unit query: one pass over the rows, O(count · Dimensions), with
    /// rows that fail the filter skipped before their dot product. Allocates only the result array.
    /// </summary>
    public SearchHit[] Search(ReadOnlySpan<float> unitQuery, int k, SearchFilter filter)
    {
        _lock.EnterReadLock();
        ulong[]? excluded = null;
        try
        {
            if (_count == 0 || !TryCompile(filter, out var rowFilter, out excluded))
                return [];
            var top = new TopHits(Math.Min(k, _count), _trackIds);
            try
            {
                if (rowFilter.IsEmpty)
                    ScanAll(unitQuery, ref top);
                else
                    ScanFiltered(unitQuery, rowFilter, ref top);
                return top.DrainBestFirst();
            }
            finally
            {
                top.Dispose();
            }
        }
        finally
        {
            if (excluded is not null)
                ArrayPool<ulong>.Shared.Return(excluded);
            _lock.ExitReadLock();
        }
    }

    private void ScanAll(ReadOnlySpan<float> unitQuery, ref TopHits top)
    {
        var dimensions = Dimensions;
        var vectors = _vectors.AsSpan(0, _count * dimensions);
        for (int row = 0, offset = 0; row < _count; row++, offset += dimensions)
            top.Offer(TensorPrimitives.Dot(unitQuery, vectors.Slice(offset, dimensions)), row);
    }

    private void ScanFiltered(ReadOnlySpan<float> unitQuery, in RowFilter filter, ref TopHits top)
    {
        var dimensions = Dimensions;
        var vectors = _vectors.AsSpan(0, _count * dimensions);
        for (var row = 0; row < _count; row++)
        {
            if (Passes(filter, row))
                top.Offer(TensorPrimitives.Dot(unitQuery, vectors.Slice(row * dimensions, dimensions)), row);
        }
    }

    private bool Passes(in RowFilter filter, int row)
    {
        // C# masks a ulong shift count to its low 6 bits, so 1UL << row is bit (row mod 64).
        if (filter.ExcludedRows is { } excluded && (excluded[row >> 6] & (1UL << row)) != 0)
            return false;
        if (filter.Album != FilterTermTable.NoTerm && _albumTerms[row] != filter.Album)
            return false;
        if (filter.Artist != FilterTermTable.NoTerm && !_artistTerms[row].AsSpan().Contains(filter.Artist))
            return false;
        return filter.Genre == FilterTermTable.NoTerm || _genreTerms[row].AsSpan().Contains(filter.Genre);
    }

    /// <summary>
    /// Turns a filter into terms and a bitmap of excluded rows (pooled; the caller returns it). False when
    /// a constrained value occurs in no track, so nothing can match.
    /// </summary>
    private bool TryCompile(SearchFilter filter, out RowFilter rowFilter, out ulong[]? excludedRows)
    {
        rowFilter = default;
        excludedRows = null;
        if (!_terms.TryResolve(filter.Artist, out var artist)
            || !_terms.TryResolve(filter.Album, out var album)
            || !_terms.TryResolve(filter.Genre, out var genre))
            return false;

        if (filter.ExcludeIds is { Count: > 0 } ids)
        {
            // One lookup per excluded id here instead of one hash of every row's id in the scan.
            foreach (var id in ids)
            {
                if (id is null || !_rowOf.TryGetValue(id, out var row))
                    continue;
                if (excludedRows is null)
                {
                    excludedRows = ArrayPool<ulong>.Shared.Rent((_count + 63) >> 6);
                    Array.Clear(excludedRows);
                }
                excludedRows[row >> 6] |= 1UL << row;
            }
        }
        rowFilter = new RowFilter(excludedRows, artist, album, genre);
        return true;
    }

    /// <summary>A filter compiled against this partition's rows and terms.</summary>
    private readonly record struct RowFilter(ulong[]? ExcludedRows, int Artist, int Album, int Genre)
    {
        public bool IsEmpty => ExcludedRows is null && Artist == FilterTermTable.NoTerm
                               && Album == FilterTermTable.NoTerm && Genre == FilterTermTable.NoTerm;
    }
}
