using AudioFunctions.Inference;
using AudioFunctions.Tests.Inference;

namespace AudioFunctions.Tests.Embedding.Clap;

/// <summary>
/// Models that declare whatever inputs and output a contract test needs and compute nothing from their values: the
/// output is a constant row [1, width] broadcast to the first input's batch (Shape, Gather, Concat, Expand), so that
/// ONNX Runtime, which reports the shapes it infers, still reports the declared symbolic batch. The embedders' checks
/// of the declarations are what is tested.
/// </summary>
public static class StubClapModel
{
    public static void Write(string path, (string Name, TensorElementType Type, OnnxDimension[] Shape)[] inputs,
        string output, params OnnxDimension[] outputShape)
    {
        // Symbolic dimensions after the batch take the batch's value too: a constant would be inferred as fixed.
        var width = outputShape[^1].Value ?? 1;
        var writer = new OnnxModelWriter("stub_clap");
        foreach (var (name, type, shape) in inputs)
            writer.Input(name, type, shape);
        var parts = new List<string> { "batch" };
        for (var axis = 1; axis < outputShape.Length; axis++)
        {
            if (outputShape[axis].Value is not { } size)
            {
                parts.Add("batch");
                continue;
            }
            writer.Initializer($"size_{axis}", [size], 1);
            parts.Add($"size_{axis}");
        }
        writer.Output(output, TensorElementType.Float, outputShape)
            .Initializer("constant", new float[width], 1, width)
            .Initializer("first", [0L], 1)
            .Node("Shape", [inputs[0].Name], ["input_shape"])
            .Node("Gather", ["input_shape", "first"], ["batch"], OnnxAttribute.Int("axis", 0))
            .Node("Concat", [.. parts], ["output_shape"], OnnxAttribute.Int("axis", 0))
            .Node("Expand", ["constant", "output_shape"], [output])
            .Save(path);
    }
}
