namespace AudioFunctions.Functions.Sockets;

/// <summary>How a connection is to be closed: a WebSocket close code (RFC 6455 §7.4) and a reason the client can show.</summary>
public sealed record LiveAudioClose(int Code, string Reason)
{
    public const int Normal = 1000;
    public const int PolicyViolation = 1008;
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;
    public const int TryAgainLater = 1013;

    /// <summary>Close reasons must fit a control frame: 123 bytes of UTF-8 after the code.</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>The reason cut to what a close frame can carry, on a character boundary.</summary>
    public string FramedReason
    {
        get
        {
            if (System.Text.Encoding.UTF8.GetByteCount(Reason) <= MaxReasonBytes)
                return Reason;
            var cut = Reason.Length;
            while (System.Text.Encoding.UTF8.GetByteCount(Reason.AsSpan(0, cut)) > MaxReasonBytes - 3)
                cut--;
            if (cut > 0 && char.IsHighSurrogate(Reason[cut - 1]))
                cut--;
            return Reason[..cut] + "…";
        }
    }
}
