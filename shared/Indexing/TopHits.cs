using System.Buffers;
using System.Runtime.CompilerServices;

namespace AudioFunctions.Indexing;

/// <summary>
/// The best <c>capacity</c> rows offered so far, in a fixed-size binary min-heap whose root is the worst
/// kept row, so a row that cannot enter costs one comparison. "Better" is the higher score, then the
/// ordinally smaller track id, which makes results independent of row order. Buffers come from
/// <see cref="ArrayPool{T}"/>; <see cref="Dispose"/> returns them. A mutable struct: keep it in a local.
/// </summary>
internal struct TopHits : IDisposable
{
    private readonly float[] _scores;
    private readonly int[] _rows;
    private readonly string[] _trackIds;
    private readonly int _capacity;
    private int _count;

    /// <param name="capacity">How many rows to keep, at least 1.</param>
    /// <param name="trackIds">Track id of each row, for tie-breaking; read only.</param>
    public TopHits(int capacity, string[] trackIds)
    {
        _capacity = capacity;
        _trackIds = trackIds;
        _scores = ArrayPool<float>.Shared.Rent(capacity);
        _rows = ArrayPool<int>.Shared.Rent(capacity);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Offer(float score, int row)
    {
        // The common case of a full heap and a worse row is decided here, inline in the scan loop.
        if (_count == _capacity && score < _scores[0])
            return;
        OfferSlow(score, row);
    }

    /// <summary>The kept rows as hits, best first. Empties the heap.</summary>
    public SearchHit[] DrainBestFirst()
    {
        var hits = new SearchHit[_count];
        // Popping the root yields the worst remaining row, so fill from the back.
        for (var i = _count - 1; i >= 0; i--)
        {
            hits[i] = new SearchHit(_trackIds[_rows[0]], _scores[0]);
            _count--;
            if (_count > 0)
                SiftDown(_scores[_count], _rows[_count]);
        }
        return hits;
    }

    public readonly void Dispose()
    {
        ArrayPool<float>.Shared.Return(_scores);
        ArrayPool<int>.Shared.Return(_rows);
    }

    private void OfferSlow(float score, int row)
    {
        if (_count < _capacity)
        {
            SiftUp(_count++, score, row);
            return;
        }
        if (IsWorse(score, row, _scores[0], _rows[0]))
            return;
        SiftDown(score, row);
    }

    /// <summary>Places (score, row) at <paramref name="hole"/> or above, keeping every parent no better than its children.</summary>
    private readonly void SiftUp(int hole, float score, int row)
    {
        while (hole > 0)
        {
            var parent = (hole - 1) >> 1;
            if (!IsWorse(score, row, _scores[parent], _rows[parent]))
                break;
            _scores[hole] = _scores[parent];
            _rows[hole] = _rows[parent];
            hole = parent;
        }
        _scores[hole] = score;
        _rows[hole] = row;
    }

    /// <summary>Replaces the root with (score, row) and restores the heap order below it.</summary>
    private readonly void SiftDown(float score, int row)
    {
        var hole = 0;
        while (true)
        {
            var child = 2 * hole + 1;
            if (child >= _count)
                break;
            if (child + 1 < _count && IsWorse(_scores[child + 1], _rows[child + 1], _scores[child], _rows[child]))
                child++;
            if (!IsWorse(_scores[child], _rows[child], score, row))
                break;
            _scores[hole] = _scores[child];
            _rows[hole] = _rows[child];
            hole = child;
        }
        _scores[hole] = score;
        _rows[hole] = row;
    }

    private readonly bool IsWorse(float score, int row, float otherScore, int otherRow) =>
        score < otherScore || (score == otherScore && string.CompareOrdinal(_trackIds[row], _trackIds[otherRow]) > 0);
}
