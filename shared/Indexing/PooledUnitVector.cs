using System.Buffers;

namespace AudioFunctions.Indexing;

/// <summary>
/// A caller's vector normalised into a pooled buffer (<see cref="UnitVector.Normalize"/>), so an index can check and
/// normalise outside its locks without allocating; dispose returns the buffer.
/// </summary>
internal readonly struct PooledUnitVector : IDisposable
{
    private readonly float[] _buffer;
    private readonly int _length;

    public PooledUnitVector(ReadOnlySpan<float> vector, string paramName)
    {
        _buffer = ArrayPool<float>.Shared.Rent(vector.Length);
        _length = vector.Length;
        try
        {
            UnitVector.Normalize(vector, _buffer.AsSpan(0, _length), paramName);
        }
        catch
        {
            ArrayPool<float>.Shared.Return(_buffer);
            throw;
        }
    }

    public ReadOnlySpan<float> Span => _buffer.AsSpan(0, _length);

    /// <summary>The pooled array itself: the vector, then whatever the pool left past <see cref="Span"/>'s length.</summary>
    public float[] Buffer => _buffer;

    public void Dispose() => ArrayPool<float>.Shared.Return(_buffer);
}
