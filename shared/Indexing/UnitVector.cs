using System.Numerics.Tensors;

namespace AudioFunctions.Indexing;

/// <summary>L2 normalisation: with unit vectors, cosine similarity is a plain dot product.</summary>
internal static class UnitVector
{
    /// <summary>
    /// Writes source / ‖source‖₂ to <paramref name="destination"/> (same length; may alias the source).
    /// Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> for NaN, an infinity or
    /// the zero vector, which has no direction. Allocates nothing.
    /// </summary>
    public static void Normalize(ReadOnlySpan<float> source, Span<float> destination, string paramName)
    {
        // MaxMagnitude returns NaN if any element is NaN, so one pass checks both.
        var largest = Math.Abs(TensorPrimitives.MaxMagnitude(source));
        if (float.IsNaN(largest))
            throw new ArgumentException("The vector contains NaN.", paramName);
        if (float.IsInfinity(largest))
            throw new ArgumentException("The vector contains an infinity.", paramName);
        if (largest == 0)
            throw new ArgumentException("The zero vector has no direction and cannot be normalised.", paramName);

        // Dividing by the largest magnitude first keeps the sum of squares inside float range: otherwise
        // components above ~1.8e19 overflow it to ∞ and components below ~1e-23 underflow it to 0.
        TensorPrimitives.Divide(source, largest, destination);
        TensorPrimitives.Divide(destination, TensorPrimitives.Norm(destination), destination);
    }
}
