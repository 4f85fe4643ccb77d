namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>
/// Vectors shaped like real embeddings: Gaussian clusters around random centres on the unit sphere, so
/// nearest neighbours are much closer than random pairs. Point = centre + N(0, spread²/d) per component,
/// then normalised (cos to its centre ≈ 1/√(1 + spread²)). Fixed seeds.
/// </summary>
internal static class ClusteredVectors
{
    public static float[][] Generate(Random random, int count, int dimensions, int clusters, float spread)
    {
        var centres = new float[clusters][];
        for (var c = 0; c < clusters; c++)
            centres[c] = Unit(IndexTestData.RandomVector(random, dimensions));
        var sigma = spread / MathF.Sqrt(dimensions);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var centre = centres[random.Next(clusters)];
            var noise = IndexTestData.RandomVector(random, dimensions);
            var v = new float[dimensions];
            for (var j = 0; j < dimensions; j++)
                v[j] = centre[j] + sigma * noise[j];
            vectors[i] = Unit(v);
        }
        return vectors;
    }

    private static float[] Unit(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
