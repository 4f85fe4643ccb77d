using System.Runtime.CompilerServices;

namespace AudioFunctions.Indexing;

/// <summary>
/// Fixed-width rows of <typeparamref name="T"/> in chunks of <see cref="ChunkRows"/> rows each, so the store
/// grows without copying or moving a row a reader may be scanning. Row r lives in chunk r / ChunkRows at
/// offset (r mod ChunkRows)·Width. The chunk directory is replaced (copy-on-write, a few pointers) when it
/// grows, and always before any row of a new chunk is handed out, so a reader that holds a row number
/// always finds its chunk. Growth is the caller's to serialise; reads need no lock.
/// </summary>
internal sealed class ChunkedRows<T>
{
    public const int ChunkShift = 10;
    public const int ChunkRows = 1 << ChunkShift;
    private const int ChunkMask = ChunkRows - 1;

    private T[][] _chunks = [];

    public ChunkedRows(int width) => Width = width;

    public int Width { get; }

    /// <summary>Rows that have storage.</summary>
    public int Capacity => Volatile.Read(ref _chunks).Length * ChunkRows;

    /// <summary>Bytes held by the chunks (not the directory).</summary>
    public long Bytes => (long)Volatile.Read(ref _chunks).Length * ChunkRows * Width * Unsafe.SizeOf<T>();

    /// <summary>Adds chunks until row <paramref name="row"/> has storage. Callers serialise growth.</summary>
    public void EnsureRow(int row)
    {
        var chunks = _chunks;
        var needed = (row >> ChunkShift) + 1;
        if (needed <= chunks.Length)
            return;
        var grown = new T[needed][];
        chunks.CopyTo(grown, 0);
        for (var c = chunks.Length; c < needed; c++)
            grown[c] = new T[ChunkRows * Width];
        Volatile.Write(ref _chunks, grown);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Row(int row) =>
        Volatile.Read(ref _chunks)[row >> ChunkShift].AsSpan((row & ChunkMask) * Width, Width);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T First(int row) =>
        ref Volatile.Read(ref _chunks)[row >> ChunkShift][(row & ChunkMask) * Width];
}
