using AudioFunctions.Embedding;

namespace AudioFunctions.Tests.Embedding;

public sealed class EmbeddingSpaceTests
{
    [Fact]
    public void Id_JoinsEmbedderVersionAndDimensions()
    {
        Assert.Equal("dsp-1-512", new EmbeddingSpace("dsp", "1", 512).Id);
        Assert.Equal("dsp-1-512", new DspAudioEmbedder().Space.Id);
        Assert.Equal("lexical-1-512", new LexicalTextEmbedder().Space.Id);
    }

    [Theory]
    [InlineData("dsp-1-512", "dsp", "1", 512)]
    [InlineData("lexical-1-512", "lexical", "1", 512)]
    [InlineData("clap-2023-10-1024", "clap", "2023-10", 1024)]
    [InlineData("clap.v2-1.5-8", "clap.v2", "1.5", 8)]
    [InlineData("speech-1-m0123456789ab-192", "speech", "1", 192, "0123456789ab")]
    [InlineData("clap-2023-10-mfedcba987654-512", "clap", "2023-10", 512, "fedcba987654")]
    [InlineData("clap-m0123456789ab-512", "clap", "m0123456789ab", 512)]
    [InlineData("clap-1-m0123456789a-512", "clap", "1-m0123456789a", 512)]
    public void Parse_IsTheInverseOfId(string id, string embedder, string version, int dimensions, string? model = null)
    {
        var space = EmbeddingSpace.Parse(id);

        Assert.Equal(new EmbeddingSpace(embedder, version, dimensions, model), space);
        Assert.Equal(id, space.Id);
    }

    [Fact]
    public void Model_MakesAnotherSpace()
    {
        var plain = new EmbeddingSpace("speech", "1", 192);
        var withModel = plain with { Model = "0123456789ab" };

        Assert.NotEqual(plain, withModel);
        Assert.Equal("speech-1-m0123456789ab-192", withModel.Id);
        Assert.Throws<ArgumentException>(() => plain with { Model = "0123456789AB" });
        Assert.Throws<ArgumentException>(() => plain with { Model = "0123456789a" });
        Assert.Throws<ArgumentException>(() => plain with { Version = "1-m0123456789ab" });
    }

    [Fact]
    public void ModelFingerprint_FollowsTheBytesOfTheFiles()
    {
        var first = Path.GetTempFileName();
        var second = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(first, [1, 2, 3]);
            File.WriteAllBytes(second, [4, 5]);
            var fingerprint = ModelFingerprint.Of(first, second);

            Assert.Matches("^[0-9a-f]{12}$", fingerprint);
            Assert.Equal(fingerprint, ModelFingerprint.Of(first, second));
            Assert.NotEqual(fingerprint, ModelFingerprint.Of(second, first));
            File.WriteAllBytes(second, [4, 6]);
            Assert.NotEqual(fingerprint, ModelFingerprint.Of(first, second));
            Assert.Throws<FileNotFoundException>(() => ModelFingerprint.Of(first + ".missing"));
        }
        finally
        {
            File.Delete(first);
            File.Delete(second);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("dsp")]
    [InlineData("dsp-512")]
    [InlineData("dsp--512")]
    [InlineData("-1-512")]
    [InlineData("dsp-1-")]
    [InlineData("dsp-1--512")]
    [InlineData("dsp-1-0")]
    [InlineData("dsp-1-0512")]
    [InlineData("dsp-1-+512")]
    [InlineData("dsp-1-51x")]
    [InlineData("dsp-1-99999999999")]
    [InlineData("DSP-1-512")]
    [InlineData("dsp-v 1-512")]
    [InlineData("dsp-1/2-512")]
    public void Parse_ThrowsFormatException_ForMalformedIds(string id)
    {
        Assert.Throws<FormatException>(() => EmbeddingSpace.Parse(id));
        Assert.False(EmbeddingSpace.TryParse(id, out _));
    }

    [Fact]
    public void Constructor_RejectsPartsThatCannotFormAnId()
    {
        Assert.Throws<ArgumentException>(() => new EmbeddingSpace("ds-p", "1", 512));
        Assert.Throws<ArgumentException>(() => new EmbeddingSpace("dsp", "", 512));
        Assert.Throws<ArgumentException>(() => new EmbeddingSpace("Dsp", "1", 512));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddingSpace("dsp", "1", 0));
        Assert.Throws<ArgumentException>(() => new EmbeddingSpace("dsp", "1", 512) with { Version = "a/b" });
    }
}
