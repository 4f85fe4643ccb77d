using System.Collections;

namespace AudioFunctions.Wire;

/// <summary>
/// A read-only list over an array it owns. Unlike handing out the array itself, callers cannot cast it back and
/// mutate a supposedly immutable <see cref="WireValue"/>; unlike <c>ReadOnlyCollection</c>, the codecs can still
/// reach the array as a span, so writing a large float array does not go through an interface call per item.
/// </summary>
internal sealed class ReadOnlyArrayList<T> : IReadOnlyList<T>
{
    private readonly T[] _items;

    /// <param name="items">Handed over: the caller must not change the array afterwards.</param>
    public ReadOnlyArrayList(T[] items) => _items = items;

    public int Count => _items.Length;

    public ReadOnlySpan<T> Span => _items;

    public T this[int index] => _items[index];

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
