using System.Globalization;
using AudioFunctions.Inference;

namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// Checks a loaded model's declared inputs and output against what an embedder feeds and reads, so that a wrong file
/// fails at load with the difference named instead of at the first run with ONNX Runtime's message. A dimension of
/// <see cref="Symbolic"/> in an expectation must be symbolic in the model (batch and sequence sizes vary per run);
/// any other value must be declared exactly.
/// </summary>
internal static class ClapModelContract
{
    public const long Symbolic = -1;

    /// <summary>
    /// Throws unless the model's inputs are exactly <paramref name="expected"/> (in any order), each with the element
    /// type and shape given.
    /// </summary>
    /// <exception cref="InvalidOperationException">An input differs, is missing, or is not expected.</exception>
    public static void CheckInputs(string model, IReadOnlyList<OnnxNodeInfo> declared, params OnnxNodeInfo[] expected)
    {
        var unexpected = new List<string>();
        foreach (var input in declared)
            if (Array.FindIndex(expected, e => e.Name == input.Name) < 0)
                unexpected.Add(input.Name);
        if (unexpected.Count > 0)
            throw new InvalidOperationException(
                $"The CLAP {model} declares input(s) {Names(unexpected)} that this embedder does not feed; it feeds only " +
                $"{Names(expected.Select(e => e.Name))}. Export the model without them (the unfused model takes no is_longer).");
        foreach (var wanted in expected)
        {
            var input = declared.FirstOrDefault(d => d.Name == wanted.Name)
                ?? throw new InvalidOperationException(
                    $"The CLAP {model} has no input '{wanted.Name}' (it declares {Names(declared.Select(d => d.Name))}); expected {Describe(wanted)}.");
            CheckTensor(model, "input", input, wanted);
        }
    }

    /// <summary>
    /// Throws unless the model declares a float output <paramref name="name"/> of shape [batch, width] with a symbolic
    /// batch and a fixed, positive width; returns the width (the embedding's dimensions).
    /// </summary>
    /// <exception cref="InvalidOperationException">The output is missing or differs.</exception>
    public static int CheckEmbeddingOutput(string model, IReadOnlyList<OnnxNodeInfo> declared, string name)
    {
        var output = declared.FirstOrDefault(d => d.Name == name)
            ?? throw new InvalidOperationException(
                $"The CLAP {model} has no output '{name}' (it declares {Names(declared.Select(d => d.Name))}); expected {name} float [batch, dimensions].");
        var shape = output.Shape;
        if (output.ElementType != TensorElementType.Float || shape.Count != 2 || shape[0] != Symbolic || shape[1] <= 0 || shape[1] > int.MaxValue)
            throw new InvalidOperationException(
                $"The CLAP {model}'s output '{name}' is {output.ElementType} {Shape(shape)}; expected Float [batch, dimensions] " +
                "with a symbolic batch and a fixed width.");
        return (int)shape[1];
    }

    private static void CheckTensor(string model, string kind, OnnxNodeInfo actual, OnnxNodeInfo wanted)
    {
        if (actual.ElementType != wanted.ElementType)
            throw Differs(model, kind, actual, wanted, $"its element type is {actual.ElementType}, not {wanted.ElementType}");
        if (actual.Shape.Count != wanted.Shape.Count)
            throw Differs(model, kind, actual, wanted, $"its rank is {actual.Shape.Count}, not {wanted.Shape.Count}");
        for (var axis = 0; axis < wanted.Shape.Count; axis++)
        {
            var (have, want) = (actual.Shape[axis], wanted.Shape[axis]);
            if (want == Symbolic && have != Symbolic)
                throw Differs(model, kind, actual, wanted, $"dimension {axis} is fixed at {have} but must be symbolic (it varies per run)");
            if (want != Symbolic && have != want)
                throw Differs(model, kind, actual, wanted, $"dimension {axis} is {Dimension(have)}, not {want}");
        }
    }

    private static InvalidOperationException Differs(string model, string kind, OnnxNodeInfo actual, OnnxNodeInfo wanted, string why) =>
        new($"The CLAP {model}'s {kind} '{actual.Name}' is {actual.ElementType} {Shape(actual.Shape)}; expected {Describe(wanted)}: {why}.");

    private static string Describe(OnnxNodeInfo node) => $"{node.Name} {node.ElementType} {Shape(node.Shape)}";

    private static string Shape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape.Select(Dimension)) + "]";

    private static string Dimension(long dimension) =>
        dimension == Symbolic ? "?" : dimension.ToString(CultureInfo.InvariantCulture);

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
