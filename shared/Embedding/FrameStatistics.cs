using System.Numerics.Tensors;

namespace AudioFunctions.Embedding;

/// <summary>Column statistics of row-major frame × feature matrices, summed in a fixed order (so bit-reproducible).</summary>
internal static class FrameStatistics
{
    /// <summary>
    /// Mean and population standard deviation of each of the <paramref name="width"/> columns of
    /// <paramref name="matrix"/>, over the rows whose <paramref name="include"/> entry is non-zero (all rows when
    /// <paramref name="include"/> is empty). Both are 0 when no row counts. Returns the number of rows counted.
    /// </summary>
    public static int MeanAndStd(ReadOnlySpan<float> matrix, int width, ReadOnlySpan<float> include, Span<float> mean, Span<float> std, Span<float> scratch)
    {
        var rows = matrix.Length / width;
        mean = mean[..width];
        std = std[..width];
        var difference = scratch[..width];
        mean.Clear();
        std.Clear();
        var count = 0;
        for (var r = 0; r < rows; r++)
            if (include.IsEmpty || include[r] != 0)
            {
                TensorPrimitives.Add(mean, matrix.Slice(r * width, width), mean);
                count++;
            }
        if (count == 0)
            return 0;
        TensorPrimitives.Multiply(mean, 1f / count, mean);
        for (var r = 0; r < rows; r++)
            if (include.IsEmpty || include[r] != 0)
            {
                TensorPrimitives.Subtract(matrix.Slice(r * width, width), mean, difference);
                TensorPrimitives.MultiplyAdd(difference, difference, std, std);
            }
        TensorPrimitives.Multiply(std, 1f / count, std);
        TensorPrimitives.Sqrt(std, std);
        return count;
    }

    /// <summary>Mean and population standard deviation of <paramref name="values"/>.</summary>
    public static (float Mean, float Std) MeanAndStd(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
            return (0, 0);
        var mean = TensorPrimitives.Sum(values) / values.Length;
        var squares = 0f;
        foreach (var v in values)
            squares += (v - mean) * (v - mean);
        return (mean, MathF.Sqrt(squares / values.Length));
    }
}
