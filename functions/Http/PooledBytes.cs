using System.Buffers;

namespace AudioFunctions.Functions.Http;

/// <summary>Bytes in a rented array; disposing returns the array to the pool.</summary>
public sealed class PooledBytes(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Length { get; } = length;

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => Memory.Span;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } array)
            ArrayPool<byte>.Shared.Return(array);
    }
}
