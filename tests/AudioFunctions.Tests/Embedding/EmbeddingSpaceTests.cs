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
    public void Parse_IsTheInverseOfId(string id, string embedder, string version, int dimensions)
    {
        var space = EmbeddingSpace.Parse(id);

        Assert.Equal(new EmbeddingSpace(embedder, version, dimensions), space);
        Assert.Equal(id, space.Id);
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
