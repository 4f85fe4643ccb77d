using AudioFunctions.Inference;

namespace AudioFunctions.Tests.Inference;

/// <summary>
/// The smallest useful ONNX model (<see cref="OnnxModelWriter"/>): one Identity node from input "x" to output "y",
/// both tensors of one element type and shape ["n", width] with a symbolic first dimension. No model with int64
/// outputs ships in the fetched packages, so this is how int64 tensors are exercised end to end.
/// </summary>
public static class IdentityModel
{
    /// <summary>Writes the model to a new temporary file and returns its path.</summary>
    public static string Write(int elementType, long width)
    {
        var path = Path.Combine(Path.GetTempPath(), $"identity-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Build(elementType, width));
        return path;
    }

    public static byte[] Build(int elementType, long width) =>
        new OnnxModelWriter("identity")
            .Input("x", (TensorElementType)elementType, "n", width)
            .Output("y", (TensorElementType)elementType, "n", width)
            .Node("Identity", ["x"], ["y"])
            .Build();
}
