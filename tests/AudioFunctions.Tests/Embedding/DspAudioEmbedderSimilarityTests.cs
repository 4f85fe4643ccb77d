using AudioFunctions.Tests.Infrastructure;
using System.Numerics.Tensors;
using AudioFunctions.Embedding;
using Xunit.Abstractions;

namespace AudioFunctions.Tests.Embedding;

public sealed class DspAudioEmbedderSimilarityTests(ITestOutputHelper output)
{
    private const int Variants = 6;
    private static readonly DspAudioEmbedder Embedder = new();

    [Fact]
    public void NearestOtherWindow_IsOfTheSameInstrumentFamily_AcrossPitchesAndTempi()
    {
        var families = Enum.GetValues<InstrumentFamily>();
        var windows = new List<(InstrumentFamily Family, int Variant, float[] Embedding)>();
        foreach (var family in families)
            for (var variant = 0; variant < Variants; variant++)
                windows.Add((family, variant, Embed(SyntheticInstruments.Window(family, variant))));

        var sameFamilyNeighbours = 0;
        double intra = 0, inter = 0;
        int intraPairs = 0, interPairs = 0;
        foreach (var (family, variant, embedding) in windows)
        {
            var best = (Family: family, Cosine: float.NegativeInfinity);
            foreach (var other in windows)
            {
                if (ReferenceEquals(other.Embedding, embedding))
                    continue;
                var cosine = TensorPrimitives.CosineSimilarity(embedding, other.Embedding);
                if (cosine > best.Cosine)
                    best = (other.Family, cosine);
                if (other.Family == family)
                    (intra, intraPairs) = (intra + cosine, intraPairs + 1);
                else
                    (inter, interPairs) = (inter + cosine, interPairs + 1);
            }
            if (best.Family == family)
                sameFamilyNeighbours++;
            else
                output.WriteLine($"{family} variant {variant}: nearest is {best.Family} ({best.Cosine:F3})");
        }

        var rate = sameFamilyNeighbours / (double)windows.Count;
        output.WriteLine($"same-family nearest neighbour: {sameFamilyNeighbours}/{windows.Count}; mean cosine intra {intra / intraPairs:F3}, inter {inter / interPairs:F3}");
        Assert.True(rate >= 0.9, $"only {rate:P0} of windows have a same-family nearest neighbour");
        Assert.True(intra / intraPairs > inter / interPairs + 0.15, $"intra {intra / intraPairs:F3} vs inter {inter / interPairs:F3}");
    }

    [Fact]
    public void TempoDescriptor_PeaksAtThePercussionTempo_AndDiffersBetweenTempi()
    {
        var slow = TempoDescriptor(90);
        var fast = TempoDescriptor(140);

        // The autocorrelation also peaks at half the tempo (twice the lag), so check the true tempo's point, not the argmax.
        Assert.True(slow[NearestPoint(90)] >= 0.8f * slow.Max());
        Assert.True(fast[NearestPoint(140)] >= 0.7f * fast.Max());
        Assert.True(slow[NearestPoint(140)] < 0.3f * slow.Max());
        Assert.True(fast[NearestPoint(90)] < 0.3f * fast.Max());
        Assert.True(TensorPrimitives.CosineSimilarity(slow, fast) < 0.5f);
    }

    private static float[] TempoDescriptor(double bpm)
    {
        var embedding = Embed(SyntheticInstruments.Window(InstrumentFamily.NoisePercussion, baseNote: 60, bpm, seed: 2_005));
        return DspLayout.Tempo.Of(embedding).ToArray();
    }

    private static int NearestPoint(double bpm)
    {
        var nearest = 0;
        for (var i = 1; i < DspLayout.TempoPoints; i++)
            if (Math.Abs(Math.Log(DspLayout.TempoBpm(i) / bpm)) < Math.Abs(Math.Log(DspLayout.TempoBpm(nearest) / bpm)))
                nearest = i;
        return nearest;
    }

    private static float[] Embed(float[] window)
    {
        var embedding = new float[512];
        Embedder.Embed(window, embedding);
        return embedding;
    }
}
