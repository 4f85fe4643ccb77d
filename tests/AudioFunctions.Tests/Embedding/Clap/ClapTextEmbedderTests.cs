using System.Numerics.Tensors;
using AudioFunctions.Embedding;
using AudioFunctions.Embedding.Clap;
using AudioFunctions.Embedding.Tokenization;
using AudioFunctions.Inference;
using AudioFunctions.Tests.Inference;

namespace AudioFunctions.Tests.Embedding.Clap;

public sealed class ClapTextEmbedderTests(ClapModels models) : IClassFixture<ClapModels>
{
    [Fact]
    public void Space_IsTheFoldersJointSpace_OfTheModelsWidth()
    {
        Assert.Equal(models.Folder.Space(512), models.Text.Space);
    }

    [Theory]
    [InlineData("low", "low")]
    [InlineData("a high whistle", "high")]
    [InlineData("middle", "middle")]
    public void Embed_OfAWord_LiesOnItsBands(string text, string word)
    {
        var vector = Embed(text);

        var bands = TinyClapModel.BandsOf(word);
        Assert.NotEmpty(bands);
        var onBands = 0f;
        foreach (var band in bands)
            onBands += vector[band] * vector[band];
        Assert.True(onBands > 0.95f, $"{onBands} of the energy of '{text}' lies on the bands of '{word}'");
        Assert.Equal(1f, TensorPrimitives.Norm(vector), 5);
    }

    [Fact]
    public void EmbedBatch_EqualsEmbedOfEachText()
    {
        string[] texts = ["low", "a much longer text about a high tone and nothing else", "middle", "xyz"];
        var batch = new float[texts.Length * 512];
        models.Text.EmbedBatch(texts, batch);

        for (var t = 0; t < texts.Length; t++)
        {
            var single = Embed(texts[t]);
            for (var d = 0; d < 512; d++)
                Assert.True(Math.Abs(batch[t * 512 + d] - single[d]) <= 1e-6f, $"text {t}, dimension {d}: {batch[t * 512 + d]} vs {single[d]}");
        }
    }

    [Fact]
    public void EmbedBatch_PaddingAShortText_LeavesItsVectorAsAlone()
    {
        var tokenizer = ByteLevelBpeTokenizer.LoadFile(models.Folder.TokenizerPath);
        string[] texts = ["low", "the low hum of a very long and winding sentence"];
        var tokens = tokenizer.EncodeBatch(texts);
        Assert.True(tokens.AttentionMaskRow(0).Count(0L) > 5, "the short text is padded in the batch");

        var batch = new float[2 * 512];
        models.Text.EmbedBatch(texts, batch);
        var alone = Embed("low");

        // <pad> weighs 1 on every dimension in the tiny model: one unmasked pad would move the vector far off.
        for (var d = 0; d < 512; d++)
            Assert.True(Math.Abs(batch[d] - alone[d]) <= 1e-6f, $"dimension {d}: {batch[d]} in the batch, {alone[d]} alone");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public void Embed_OfATextWithoutTokens_IsZeros(string text)
    {
        var vector = Enumerable.Repeat(9f, 512).ToArray();
        models.Text.Embed(text, vector);

        Assert.All(vector, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void EmbedBatch_WithBlankTexts_ZerosThoseAndEmbedsTheRest()
    {
        var batch = Enumerable.Repeat(9f, 3 * 512).ToArray();
        models.Text.EmbedBatch(["", "high", " "], batch);

        Assert.All(batch[..512], v => Assert.Equal(0f, v));
        Assert.Equal(Embed("high"), batch[512..1024]);
        Assert.All(batch[1024..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embed_OfUnknownWords_IsAUnitVectorOffTheAudioBands()
    {
        var vector = Embed("xyz qq");

        Assert.Equal(1f, TensorPrimitives.Norm(vector), 5);
        Assert.All(vector[..TinyClapModel.MelBands], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embed_RejectsADestinationOfAnotherWidth()
    {
        Assert.Throws<ArgumentException>(() => models.Text.Embed("low", new float[511]));
        Assert.Throws<ArgumentException>(() => models.Text.EmbedBatch(["low", "high"], new float[512]));
    }

    public static TheoryData<string, (string, TensorElementType, OnnxDimension[])[]> BadInputs => new()
    {
        {
            "element type is Int32",
            [("input_ids", TensorElementType.Int32, ["batch", "sequence"]), ("attention_mask", TensorElementType.Int64, ["batch", "sequence"])]
        },
        { "no input 'attention_mask'", [("input_ids", TensorElementType.Int64, ["batch", "sequence"])] },
        {
            "'token_type_ids'",
            [
                ("input_ids", TensorElementType.Int64, ["batch", "sequence"]), ("attention_mask", TensorElementType.Int64, ["batch", "sequence"]),
                ("token_type_ids", TensorElementType.Int64, ["batch", "sequence"]),
            ]
        },
        {
            "dimension 1 is fixed at 77",
            [("input_ids", TensorElementType.Int64, ["batch", 77]), ("attention_mask", TensorElementType.Int64, ["batch", 77])]
        },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Constructor_RejectsAModelWhoseInputsDiffer_NamingTheDifference(string expectedInMessage, (string, TensorElementType, OnnxDimension[])[] inputs)
    {
        var directory = models.NewFolder();
        StubClapModel.Write(TinyClapModel.TextModelPath(directory), inputs, "text_embeds", "batch", 512);

        var error = Assert.Throws<InvalidOperationException>(() => new ClapTextEmbedder(models.Runtime, new ClapModelFolder(directory), 1));

        Assert.Contains(expectedInMessage, error.Message);
    }

    [Fact]
    public void Constructor_RejectsAModelWithoutTextEmbeds()
    {
        var directory = models.NewFolder();
        StubClapModel.Write(TinyClapModel.TextModelPath(directory),
            [("input_ids", TensorElementType.Int64, ["batch", "sequence"]), ("attention_mask", TensorElementType.Int64, ["batch", "sequence"])],
            "pooler_output", "batch", 512);

        var error = Assert.Throws<InvalidOperationException>(() => new ClapTextEmbedder(models.Runtime, new ClapModelFolder(directory), 1));

        Assert.Contains("no output 'text_embeds'", error.Message);
    }

    private float[] Embed(string text)
    {
        var vector = new float[512];
        models.Text.Embed(text, vector);
        return vector;
    }
}
