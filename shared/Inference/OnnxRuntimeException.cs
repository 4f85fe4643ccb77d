namespace AudioFunctions.Inference;

/// <summary>A call into ONNX Runtime failed: <see cref="ErrorCode"/> and the message are ONNX Runtime's own.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"ONNX Runtime error {errorCode}: {message}")
    {
        ErrorCode = errorCode;
        RuntimeMessage = message;
    }

    public OrtErrorCode ErrorCode { get; }

    /// <summary>The message exactly as ONNX Runtime wrote it.</summary>
    public string RuntimeMessage { get; }
}
