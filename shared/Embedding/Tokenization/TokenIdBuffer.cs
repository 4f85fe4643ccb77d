using System.Buffers;

namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// A growable list of token ids on a pooled array, for one encode call. Dispose returns the array to the pool.
/// </summary>
internal struct TokenIdBuffer : IDisposable
{
    private int[] _items;

    public TokenIdBuffer(int initialCapacity)
    {
        _items = ArrayPool<int>.Shared.Rent(Math.Max(initialCapacity, 16));
        Count = 0;
    }

    public int Count { get; private set; }

    public readonly ReadOnlySpan<int> Items => _items.AsSpan(0, Count);

    public void Add(int id)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[Count++] = id;
    }

    public void AddRange(ReadOnlySpan<int> ids)
    {
        while (Count + ids.Length > _items.Length)
        {
            Grow();
        }

        ids.CopyTo(_items.AsSpan(Count));
        Count += ids.Length;
    }

    public void Dispose()
    {
        if (_items.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_items);
            _items = [];
        }
    }

    private void Grow()
    {
        int[] larger = ArrayPool<int>.Shared.Rent(_items.Length * 2);
        _items.AsSpan(0, Count).CopyTo(larger);
        ArrayPool<int>.Shared.Return(_items);
        _items = larger;
    }
}
