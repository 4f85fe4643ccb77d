namespace AudioFunctions.Inference;

/// <summary>
/// A named input tensor: row-major elements and their shape. The elements are borrowed, not
/// copied: they are pinned and handed to ONNX Runtime for the length of one run, so the caller's
/// buffer must not change during it.
/// </summary>
public sealed class OnnxTensor
{
    private readonly long[] dimensions;

    private OnnxTensor(string name, TensorElementType elementType, long[] shape, ReadOnlyMemory<float> floats, ReadOnlyMemory<long> int64s)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var count = ElementCount(shape);
        var length = elementType == TensorElementType.Float ? floats.Length : int64s.Length;
        if (count != length)
            throw new ArgumentException(
                $"Tensor '{name}' of shape [{string.Join(", ", shape)}] holds {count} elements, but {length} were given.");
        Name = name;
        ElementType = elementType;
        dimensions = shape;
        Floats = floats;
        Int64s = int64s;
    }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    public IReadOnlyList<long> Shape => dimensions;

    internal ReadOnlySpan<long> Dimensions => dimensions;

    internal ReadOnlyMemory<float> Floats { get; }

    internal ReadOnlyMemory<long> Int64s { get; }

    /// <summary>A float32 tensor; <paramref name="shape"/>'s product must equal the element count.</summary>
    public static OnnxTensor Float(string name, ReadOnlyMemory<float> elements, params long[] shape) =>
        new(name, TensorElementType.Float, (long[])shape.Clone(), elements, default);

    /// <summary>An int64 tensor; <paramref name="shape"/>'s product must equal the element count.</summary>
    public static OnnxTensor Int64(string name, ReadOnlyMemory<long> elements, params long[] shape) =>
        new(name, TensorElementType.Int64, (long[])shape.Clone(), default, elements);

    /// <summary>The product of the dimensions (1 for a scalar); every dimension must be 0 or more.</summary>
    internal static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
                throw new ArgumentException($"Tensor dimensions must be 0 or more, not {dimension}.", nameof(shape));
            count = checked(count * dimension);
        }
        return count;
    }
}
