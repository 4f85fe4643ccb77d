using System.Buffers;

namespace AudioFunctions.Orchestration;

/// <summary>
/// The most recent samples a window step appended to the 48 kHz stream (at most a fixed number,
/// in a pooled buffer), so windows that end in them need not be read back from storage.
/// </summary>
internal sealed class ProducedSamples(long streamStart, int capacity) : IDisposable
{
    private float[]? _buffer = ArrayPool<float>.Shared.Rent(capacity);
    private long _start = streamStart; // stream position of _buffer[0]
    private int _count;

    /// <summary>Appends samples that follow the ones held, dropping the oldest past the capacity.</summary>
    public void Add(ReadOnlySpan<float> samples)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(ProducedSamples));
        if (samples.Length >= capacity)
        {
            _start += _count + samples.Length - capacity;
            samples[^capacity..].CopyTo(buffer);
            _count = capacity;
            return;
        }
        var overflow = Math.Max(0, _count + samples.Length - capacity);
        if (overflow > 0)
        {
            buffer.AsSpan(overflow, _count - overflow).CopyTo(buffer);
            _count -= overflow;
            _start += overflow;
        }
        samples.CopyTo(buffer.AsSpan(_count));
        _count += samples.Length;
    }

    /// <summary>
    /// Copies the part of stream range [<paramref name="start"/>, start + destination.Length) held
    /// here into the end of <paramref name="destination"/>; returns how many samples that was. The
    /// samples are only ever at the end of the range, since they are the stream's newest.
    /// </summary>
    public int CopyTo(long start, Span<float> destination)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(ProducedSamples));
        var end = start + destination.Length;
        var from = Math.Max(start, _start);
        if (end <= from || end > _start + _count)
            return 0;
        var count = (int)(end - from);
        buffer.AsSpan((int)(from - _start), count).CopyTo(destination[^count..]);
        return count;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            ArrayPool<float>.Shared.Return(buffer);
    }
}
