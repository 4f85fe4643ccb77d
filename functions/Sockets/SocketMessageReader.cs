using System.Buffers;
using System.Net.WebSockets;

namespace AudioFunctions.Functions.Sockets;

/// <summary>
/// Reads whole WebSocket messages (however the client fragments them) into one pooled buffer that
/// grows as needed up to the size limits. It refuses, with the close to send, a message past its
/// limit and a connection idle past the timeout. Owns the buffer; the message read stays valid
/// until the next read.
/// </summary>
internal sealed class SocketMessageReader(WebSocket socket, int maxBinaryBytes, int maxTextBytes, TimeSpan idleTimeout) : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int _length;

    public WebSocketMessageType Type { get; private set; }

    public ReadOnlyMemory<byte> Message => _buffer.AsMemory(0, _length);

    /// <summary>Reads the next message; null when one was read, else the close the server should send.</summary>
    public async Task<LiveAudioClose?> ReadAsync(CancellationToken stopping)
    {
        _length = 0;
        while (true)
        {
            if (_length == _buffer.Length)
                Grow();
            var receive = socket.ReceiveAsync(_buffer.AsMemory(_length), CancellationToken.None).AsTask();
            try
            {
                // The wait, not the receive, times out: cancelling a receive would abort the socket
                // before the close frame that tells the client why.
                await receive.WaitAsync(idleTimeout, stopping);
            }
            catch (TimeoutException)
            {
                return new LiveAudioClose(LiveAudioClose.PolicyViolation,
                    $"No message for {idleTimeout.TotalSeconds:0.###} s; the session is kept, reconnect to go on.");
            }
            var result = await receive;
            Type = result.MessageType;
            if (Type == WebSocketMessageType.Close)
                return null;
            _length += result.Count;
            var limit = Type == WebSocketMessageType.Binary ? maxBinaryBytes : maxTextBytes;
            if (_length > limit)
                return new LiveAudioClose(LiveAudioClose.MessageTooBig,
                    $"A {(Type == WebSocketMessageType.Binary ? "binary" : "text")} message may carry at most {limit} bytes.");
            if (result.EndOfMessage)
                return null;
        }
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(maxBinaryBytes, maxTextBytes) + 1, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
