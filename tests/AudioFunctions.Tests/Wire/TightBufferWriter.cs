using System.Buffers;

namespace AudioFunctions.Tests.Wire;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> whose spans are exactly as long as the size hint, so a writer that writes past
/// what it asked for fails with <see cref="IndexOutOfRangeException"/> instead of silently succeeding.
/// </summary>
internal sealed class TightBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = new();
    private byte[] _current = System.Array.Empty<byte>();

    public byte[] WrittenBytes => _written.ToArray();

    public void Advance(int count)
    {
        if (count > _current.Length)
        {
            throw new InvalidOperationException($"advanced {count} past a span of {_current.Length}");
        }

        _written.AddRange(_current.AsSpan(0, count));
        _current = System.Array.Empty<byte>();
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
