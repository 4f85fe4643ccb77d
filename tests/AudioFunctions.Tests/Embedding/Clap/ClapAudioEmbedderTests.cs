using System.Numerics.Tensors;
using AudioFunctions.Embedding;
using AudioFunctions.Embedding.Clap;
using AudioFunctions.Inference;
using AudioFunctions.Tests.Inference;

namespace AudioFunctions.Tests.Embedding.Clap;

public sealed class ClapAudioEmbedderTests(ClapModels models) : IClassFixture<ClapModels>
{
    private const int Window = 480_000;

    [Fact]
    public void Space_IsTheFoldersJointSpace_OfTheModelsWidth()
    {
        Assert.Equal(models.Folder.Space(512), models.Audio.Space);
        Assert.Equal(512, models.Audio.Space.Dimensions);
        Assert.Equal("clap", ClapAudioEmbedder.Name);
        Assert.Equal(models.Text.Space, models.Audio.Space);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1250)]
    [InlineData(5000)]
    public void Embed_IsTheModelsMath_OnTheExtractorsFeatures(double frequencyHz)
    {
        var tone = TinyClapModel.Tone(frequencyHz);
        var extractor = new ClapFeatureExtractor(ClapFeatureSettings.Load(models.Directory));
        var features = new float[extractor.FeaturesPerWindow];
        extractor.Extract(tone, features);
        var expected = new float[512];
        TinyClapModel.AudioModelOutput(features, expected);
        TensorPrimitives.Multiply(expected, 1 / TensorPrimitives.Norm(expected), expected);

        var vector = new float[512];
        models.Audio.Embed(tone, vector);

        for (var d = 0; d < vector.Length; d++)
            Assert.True(Math.Abs(vector[d] - expected[d]) <= 1e-4f, $"dimension {d}: {vector[d]}, expected {expected[d]}");
        // The features really do pick out the tone: most of the vector sits on the bands around it.
        var nearest = NearestBand(frequencyHz);
        Assert.InRange(TensorPrimitives.IndexOfMax(vector), nearest - 1, nearest + 1);
    }

    [Fact]
    public void EmbedBatch_EqualsEmbedOfEachWindow()
    {
        var windows = new float[3 * Window];
        TinyClapModel.Tone(300).CopyTo(windows, 0);
        var random = new Random(7);
        for (var i = Window; i < 2 * Window; i++)
            windows[i] = (float)(random.NextDouble() - 0.5);
        TinyClapModel.Tone(5000).CopyTo(windows, 2 * Window);

        var batch = new float[3 * 512];
        models.Audio.EmbedBatch(windows, batch);

        for (var w = 0; w < 3; w++)
        {
            var single = new float[512];
            models.Audio.Embed(windows.AsSpan(w * Window, Window), single);
            for (var d = 0; d < 512; d++)
                Assert.True(Math.Abs(batch[w * 512 + d] - single[d]) <= 1e-5f, $"window {w}, dimension {d}: {batch[w * 512 + d]} vs {single[d]}");
        }
        Assert.NotEqual(batch.AsSpan(0, 512).ToArray(), batch.AsSpan(2 * 512, 512).ToArray());
    }

    [Fact]
    public void Embed_IsUnitNorm_ThroughTheInterface()
    {
        IAudioEmbedder embedder = models.Audio;
        var vector = new float[512];
        embedder.Embed(TinyClapModel.Tone(1250), vector);

        Assert.Equal(1f, TensorPrimitives.Norm(vector), 5);
        // The raw model output sums to 1 (a softmax), so its norm is well below 1: normalising did something.
        Assert.True(TensorPrimitives.Sum(vector) > 1.01f);
    }

    [Fact]
    public void Embed_RejectsAWindowOfAnotherLength()
    {
        Assert.Throws<ArgumentException>(() => models.Audio.Embed(new float[Window - 1], new float[512]));
        Assert.Throws<ArgumentException>(() => models.Audio.Embed(new float[Window], new float[511]));
        Assert.Throws<ArgumentException>(() => models.Audio.EmbedBatch(new float[Window + 1], new float[512]));
    }

    public static TheoryData<string, (string, TensorElementType, OnnxDimension[])[], string> BadInputs => new()
    {
        { "'input_values'", [("input_values", TensorElementType.Float, ["batch", 1, 1001, 64])], "input_features" },
        { "Int64", [("input_features", TensorElementType.Int64, ["batch", 1, 1001, 64])], "element type" },
        { "rank is 3", [("input_features", TensorElementType.Float, ["batch", 1001, 64])], "rank" },
        { "dimension 2 is 1000, not 1001", [("input_features", TensorElementType.Float, ["batch", 1, 1000, 64])], "frames" },
        { "dimension 3 is 128, not 64", [("input_features", TensorElementType.Float, ["batch", 1, 1001, 128])], "bands" },
        { "dimension 1 is 4, not 1", [("input_features", TensorElementType.Float, ["batch", 4, 1001, 64])], "channels" },
        { "dimension 0 is fixed at 1", [("input_features", TensorElementType.Float, [1, 1, 1001, 64])], "batch" },
        {
            "'is_longer'",
            [("input_features", TensorElementType.Float, ["batch", 1, 1001, 64]), ("is_longer", TensorElementType.Bool, ["batch", 1])],
            "extra input"
        },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Constructor_RejectsAModelWhoseInputsDiffer_NamingTheDifference(
        string expectedInMessage, (string, TensorElementType, OnnxDimension[])[] inputs, string because)
    {
        var directory = models.NewFolder();
        StubClapModel.Write(TinyClapModel.AudioModelPath(directory), inputs, "audio_embeds", "batch", 512);

        var error = Assert.Throws<InvalidOperationException>(() => new ClapAudioEmbedder(models.Runtime, new ClapModelFolder(directory), 1));

        Assert.True(error.Message.Contains(expectedInMessage, StringComparison.Ordinal), $"{because}: {error.Message}");
    }

    [Theory]
    [InlineData("embeds", new object[] { "batch", 512L }, "no output 'audio_embeds'")]
    [InlineData("audio_embeds", new object[] { "batch", "width" }, "[?, ?]")]
    [InlineData("audio_embeds", new object[] { "batch", 1L, 512L }, "[?, 1, 512]")]
    public void Constructor_RejectsAModelWithoutTheEmbeddingOutput(string output, object[] shape, string expectedInMessage)
    {
        var directory = models.NewFolder();
        var dims = shape.Select(d => d is string name ? (OnnxDimension)name : (OnnxDimension)(long)d).ToArray();
        StubClapModel.Write(TinyClapModel.AudioModelPath(directory), [("input_features", TensorElementType.Float, ["batch", 1, 1001, 64])], output, dims);

        var error = Assert.Throws<InvalidOperationException>(() => new ClapAudioEmbedder(models.Runtime, new ClapModelFolder(directory), 1));

        Assert.Contains(expectedInMessage, error.Message);
    }

    [Fact]
    public void Constructor_TakesTheWidthFromTheModel()
    {
        var directory = models.NewFolder();
        StubClapModel.Write(TinyClapModel.AudioModelPath(directory), [("input_features", TensorElementType.Float, ["batch", 1, 1001, 64])], "audio_embeds", "batch", 128);

        using var embedder = new ClapAudioEmbedder(models.Runtime, new ClapModelFolder(directory), 1);

        Assert.Equal(128, embedder.Space.Dimensions);
    }

    private static int NearestBand(double frequencyHz)
    {
        var best = 0;
        for (var b = 1; b < TinyClapModel.MelBands; b++)
            if (Math.Abs(TinyClapModel.BandCentreHz(b) - frequencyHz) < Math.Abs(TinyClapModel.BandCentreHz(best) - frequencyHz))
                best = b;
        return best;
    }
}
