using System.Numerics.Tensors;

namespace AudioFunctions.Embedding.Clap;

/// <summary>What both CLAP embedders do to a model's output row before handing it on.</summary>
internal static class ClapVectors
{
    /// <summary>
    /// Scales <paramref name="vector"/> to unit L2 norm in place. CLAP compares its towers by cosine (the model
    /// normalises both before its logits), and the export's outputs are the unnormalised projections. A row of norm 0
    /// (or one that is not finite) has no direction and becomes zeros.
    /// </summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && float.IsFinite(norm))
            TensorPrimitives.Multiply(vector, 1 / norm, vector);
        else
            vector.Clear();
    }
}
