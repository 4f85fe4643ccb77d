using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using AudioFunctions.Embedding;
using AudioFunctions.Tracks;

namespace AudioFunctions.Tests.Embedding;

public sealed class LexicalTextEmbedderTests
{
    private static readonly LexicalTextEmbedder Embedder = new();

    [Fact]
    public void Space_IsLexical1With512Dimensions()
    {
        Assert.Equal(new EmbeddingSpace("lexical", "1", 512), Embedder.Space);
    }

    [Fact]
    public void Fnv1a64_MatchesThePublishedAlgorithm()
    {
        // Computed with Python over b"w queen"; FNV-1a 64 of the empty input is its offset basis.
        Assert.Equal(0x5b85ea040245b7f4UL, Fnv1a64.AppendAscii(Fnv1a64.OffsetBasis, "w queen"));
        Assert.Equal(0x1c80a0bbf8fd8a58UL, Fnv1a64.AppendCodePoints(Fnv1a64.OffsetBasis, [.. "w beyonc".Select(c => (int)c), 0xE9]));
    }

    [Fact]
    public void Embed_MatchesTheDocumentedAlgorithm_ForOneWord()
    {
        // Expected values computed independently (Python) from the algorithm in LexicalTextEmbedder's remarks: the
        // word "w queen" (1.0) and the grams of "<queen>" (0.5 each), no collisions, then L2-normalised.
        var expected = new float[512];
        foreach (var (index, value) in new[] { (38, 0.27735f), (136, -0.27735f), (152, 0.27735f), (167, -0.27735f), (240, 0.27735f),
                                               (324, -0.27735f), (356, -0.27735f), (364, -0.27735f), (496, 0.5547f), (505, 0.27735f) })
            expected[index] = value;

        AssertClose(expected, Embed("Queen"));
    }

    [Fact]
    public void Embed_WeighsRepeatsSublinearly()
    {
        // "la la la": w la ×3 → 1.0·(1 + ln 3); b "la la" ×2 → 0.7·(1 + ln 2); each gram of "<la>" ×3 → 0.5·(1 + ln 3).
        var expected = new float[512];
        foreach (var (index, value) in new[] { (2, 0.392632f), (70, -0.695225f), (157, 0.347612f), (190, -0.347612f), (434, 0.347612f) })
            expected[index] = value;

        AssertClose(expected, Embed("La, la... LA!"));
    }

    [Theory]
    [InlineData("Beyoncé", "beyonce")]
    [InlineData("BEYONCÉ", "Beyonce\u0301")]
    [InlineData("Motörhead", "MOTORHEAD")]
    [InlineData("Sigur Rós", "sigur ros")]
    [InlineData("Ærøskøbing", "aeroskobing")]
    [InlineData("Straße", "strasse")]
    [InlineData("ﬁre", "fire")]
    [InlineData("ＡＢＢＡ", "abba")]
    [InlineData("Ελλάδα", "ΕΛΛΑΔΑ")]
    [InlineData("AC/DC", "ac dc")]
    [InlineData("Don't Stop", "dont stop")]
    [InlineData("  rock-n-roll!  ", "rock n roll")]
    public void Embed_IgnoresCaseAccentsAndPunctuation(string text, string plain)
    {
        Assert.Equal(Bits(Embed(plain)), Bits(Embed(text)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("!!! ... ---")]
    [InlineData("\u0301\u0308")]
    public void Embed_GivesAllZeros_ForTextWithoutTokens(string text)
    {
        var embedding = Enumerable.Repeat(float.NaN, 512).ToArray();

        Embedder.Embed(text, embedding);

        Assert.All(embedding, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embed_IsAUnitVector_AndDeterministicAcrossInstancesAndThreads()
    {
        const string text = "Bohemian Rhapsody. Queen. A Night at the Opera. Rock, Progressive Rock";
        var first = Embed(text);
        var other = new float[512];
        new LexicalTextEmbedder().Embed(text, other);
        var parallel = new float[8][];
        Parallel.For(0, parallel.Length, i => parallel[i] = Embed(text));

        Assert.Equal(1f, TensorPrimitives.Norm(first), 1e-5f);
        Assert.Equal(Bits(first), Bits(other));
        Assert.All(parallel, p => Assert.Equal(Bits(first), Bits(p)));
    }

    [Fact]
    public void Query_Queen_IsClosestToTheTrackByQueen()
    {
        var ranked = Rank("queen", Catalogue);

        Assert.Equal("Bohemian Rhapsody", ranked[0].Name);
        Assert.True(ranked[0].Cosine > ranked[1].Cosine + 0.1f, $"{ranked[0].Cosine} vs {ranked[1].Cosine}");
    }

    [Fact]
    public void Query_ProgressiveRock_RanksTheProgressiveRockTrackFirst()
    {
        var ranked = Rank("progressive rock", Catalogue);

        Assert.Equal("Close to the Edge", ranked[0].Name);
    }

    [Fact]
    public void Embed_RejectsADestinationOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => Embedder.Embed("queen", new float[511]));
    }

    // No name, album or genre but the intended ones holds "queen", "progressive" and "rock" together.
    private static readonly TrackMetadata[] Catalogue =
    [
        new() { Name = "Bohemian Rhapsody", Artists = ["Queen"], Album = "A Night at the Opera", Genres = ["Glam"] },
        new() { Name = "Close to the Edge", Artists = ["Yes"], Album = "Close to the Edge", Genres = ["Progressive Rock"] },
        new() { Name = "Back in Black", Artists = ["AC/DC"], Album = "Back in Black", Genres = ["Hard Rock"] },
        new() { Name = "Strobe", Artists = ["deadmau5"], Album = "For Lack of a Better Name", Genres = ["Progressive House"] },
        new() { Name = "So What", Artists = ["Miles Davis"], Album = "Kind of Blue", Genres = ["Jazz"] },
        new() { Name = "Halo", Artists = ["Beyoncé"], Album = "I Am... Sasha Fierce", Genres = ["Pop", "R&B"] },
        new() { Name = "Jolene", Artists = ["Dolly Parton"], Album = "Jolene", Genres = ["Country"] },
    ];

    private static List<(string Name, float Cosine)> Rank(string query, IEnumerable<TrackMetadata> tracks)
    {
        var q = Embed(query);
        return [.. tracks.Select(t => (t.Name!, TensorPrimitives.Dot(q, Embed(TrackText.Render(t))))).OrderByDescending(r => r.Item2)];
    }

    private static float[] Embed(string text)
    {
        var embedding = new float[512];
        Embedder.Embed(text, embedding);
        return embedding;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 2e-6f, $"dimension {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static int[] Bits(float[] values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
