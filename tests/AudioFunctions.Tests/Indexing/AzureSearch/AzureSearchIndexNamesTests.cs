using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

public sealed class AzureSearchIndexNamesTests
{
    [Theory]
    [InlineData("dsp-1-512", VectorCollection.Audio, "audiofunctions-audio-dsp-1-512")]
    [InlineData("speech-1-m0adec7701f37-192", VectorCollection.Text, "audiofunctions-text-speech-1-m0adec7701f37-192")]
    public void For_KeepsIdsThatAreValidNames(string id, VectorCollection collection, string expected)
    {
        var space = EmbeddingSpace.Parse(id);

        var name = AzureSearchIndexNames.For("audiofunctions", collection, space);

        Assert.Equal(expected, name);
        Assert.True(AzureSearchIndexNames.TryParse("audiofunctions", name, out var parsedCollection, out var parsedSpace));
        Assert.Equal(collection, parsedCollection);
        Assert.Equal(space, parsedSpace);
    }

    [Fact]
    public void For_SanitisesDotsWithAHashSegment_KeepingNamesApart()
    {
        var dotted = AzureSearchIndexNames.For("af", VectorCollection.Audio, EmbeddingSpace.Parse("clap-1.2-512"));
        var dashed = AzureSearchIndexNames.For("af", VectorCollection.Audio, EmbeddingSpace.Parse("clap-1-2-512"));
        var doubleDot = AzureSearchIndexNames.For("af", VectorCollection.Audio, EmbeddingSpace.Parse("clap-1..2-512"));

        Assert.Matches("^af-audio-clap-1-2-512-[a-p]{8}$", dotted);
        Assert.Equal("af-audio-clap-1-2-512", dashed);
        Assert.Matches("^af-audio-clap-1-2-512-[a-p]{8}$", doubleDot);
        Assert.Equal(3, new[] { dotted, dashed, doubleDot }.Distinct().Count());
        Assert.Equal(dotted, AzureSearchIndexNames.For("af", VectorCollection.Audio, EmbeddingSpace.Parse("clap-1.2-512")));

        // A sanitised name does not spell its space: the collection is read back, the space is not.
        Assert.True(AzureSearchIndexNames.TryParse("af", dotted, out var collection, out var space));
        Assert.Equal(VectorCollection.Audio, collection);
        Assert.Null(space);
    }

    [Fact]
    public void For_VersionWithDoubleDash_IsSanitised()
    {
        var name = AzureSearchIndexNames.For("af", VectorCollection.Audio, new EmbeddingSpace("dsp", "a--b", 8));

        Assert.DoesNotContain("--", name);
        Assert.Matches("^af-audio-dsp-a-b-8-[a-p]{8}$", name);
    }

    [Fact]
    public void For_LongIds_StayWithinTheLimitAndValid()
    {
        var longVersion = string.Join('.', Enumerable.Repeat("abcdefghij", 14));
        var a = AzureSearchIndexNames.For(new string('p', 40), VectorCollection.Audio, new EmbeddingSpace("dsp", longVersion, 512));
        var b = AzureSearchIndexNames.For(new string('p', 40), VectorCollection.Audio, new EmbeddingSpace("dsp", longVersion + "x", 512));

        foreach (var name in new[] { a, b })
        {
            Assert.True(name.Length <= AzureSearchIndexNames.MaxLength, name);
            Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", name);
        }
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("other-audio-dsp-1-4")]
    [InlineData("af-video-dsp-1-4")]
    [InlineData("af-audio-")]
    public void TryParse_RejectsNamesOfOtherDeploymentsOrCollections(string name)
    {
        Assert.False(AzureSearchIndexNames.TryParse("af", name, out _, out _));
    }
}
