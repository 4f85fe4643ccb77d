namespace AudioFunctions.Tests.Infrastructure;

/// <summary>
/// A read-only, non-seekable stream over bytes that answers every read with a pseudo-random odd
/// number of bytes (1 to <c>maxRead</c>), as a network stream may, so that no reader can rely on
/// chunk boundaries. After <c>endAfter</c> bytes it can instead throw (a dropped connection) or
/// stall until its read is cancelled (a client that stops sending).
/// </summary>
public sealed class OddReadStream(byte[] data, int seed = 1, int maxRead = 997) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    /// <summary>What happens once <see cref="EndAfter"/> bytes have been read.</summary>
    public enum Ending
    {
        /// <summary>The stream ends (reads return 0).</summary>
        EndOfStream,

        /// <summary>Reads throw <see cref="IOException"/>.</summary>
        Throw,

        /// <summary>Reads wait until their cancellation token is cancelled.</summary>
        Stall,
    }

    /// <summary>How many bytes the stream gives before <see cref="Then"/> applies; all of them by default.</summary>
    public int EndAfter { get; init; } = int.MaxValue;

    public Ending Then { get; init; } = Ending.EndOfStream;

    /// <summary>A <see cref="Ending.Throw"/> stream's read waits for this before it throws.</summary>
    public Task ThrowWhen { get; init; } = Task.CompletedTask;

    /// <summary>The exception a <see cref="Ending.Throw"/> stream throws.</summary>
    public IOException Failure { get; } = new("the connection was reset by the peer");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var available = Math.Min(data.Length, EndAfter) - _position;
        if (available <= 0)
        {
            if (_position < data.Length && Then == Ending.Throw)
                throw Failure;
            if (_position < data.Length && Then == Ending.Stall)
                throw new InvalidOperationException("a stalling stream must be read asynchronously");
            return 0;
        }
        var size = Math.Min(Math.Min(_random.Next(0, (maxRead + 1) / 2) * 2 + 1, available), buffer.Length);
        data.AsSpan(_position, size).CopyTo(buffer);
        _position += size;
        return size;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= Math.Min(data.Length, EndAfter) && _position < data.Length)
        {
            if (Then == Ending.Stall)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            if (Then == Ending.Throw)
                await ThrowWhen.WaitAsync(cancellationToken);
        }
        await Task.Yield();
        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
