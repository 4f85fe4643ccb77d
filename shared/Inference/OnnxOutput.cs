namespace AudioFunctions.Inference;

/// <summary>
/// One output of a run, copied out of ONNX Runtime's memory into a managed array: row-major
/// elements of <see cref="Shape"/>.
/// </summary>
public sealed class OnnxOutput
{
    private readonly float[]? floats;
    private readonly long[]? int64s;

    internal OnnxOutput(string name, long[] shape, float[] elements)
    {
        Name = name;
        Shape = shape;
        ElementType = TensorElementType.Float;
        floats = elements;
    }

    internal OnnxOutput(string name, long[] shape, long[] elements)
    {
        Name = name;
        Shape = shape;
        ElementType = TensorElementType.Int64;
        int64s = elements;
    }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    /// <summary>The actual dimensions of this result (no -1).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The elements of a float32 output.</summary>
    /// <exception cref="InvalidOperationException">The output is not float32.</exception>
    public float[] Floats => floats ?? throw WrongType(TensorElementType.Float);

    /// <summary>The elements of an int64 output.</summary>
    /// <exception cref="InvalidOperationException">The output is not int64.</exception>
    public long[] Int64s => int64s ?? throw WrongType(TensorElementType.Int64);

    private InvalidOperationException WrongType(TensorElementType wanted) =>
        new($"Output '{Name}' holds {ElementType} elements, not {wanted}.");
}
