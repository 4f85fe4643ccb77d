namespace AudioFunctions.Tests.Inference;

/// <summary>
/// One dimension of a graph input's or output's declared shape: a fixed size, or a name that ONNX Runtime reports
/// as -1 (e.g. "batch"). Converts from an integer and from a string, so shapes read as <c>"batch", 1, 1001, 64</c>.
/// </summary>
public readonly record struct OnnxDimension(long? Value, string? Parameter)
{
    public static implicit operator OnnxDimension(long value) => new(value, null);

    public static implicit operator OnnxDimension(string parameter) => new(null, parameter);
}
