using AudioFunctions.Embedding;
using AudioFunctions.Embedding.Clap;

namespace AudioFunctions.Tests.Embedding.Clap;

public sealed class ClapModelFolderTests(ClapModels models) : IClassFixture<ClapModels>
{
    [Fact]
    public void Constructor_FindsTheModelsInOnnxFolder()
    {
        var folder = new ClapModelFolder(models.Directory);

        Assert.Equal(Path.Combine(models.Directory, "onnx", "audio_model.onnx"), folder.AudioModelPath);
        Assert.Equal(Path.Combine(models.Directory, "onnx", "text_model.onnx"), folder.TextModelPath);
        Assert.Equal(Path.Combine(models.Directory, "tokenizer.json"), folder.TokenizerPath);
        Assert.Equal(Path.Combine(models.Directory, "preprocessor_config.json"), folder.PreprocessorConfigPath);
    }

    [Fact]
    public void Constructor_FindsTheModelsAtTheRoot_WhenThereIsNoOnnxFolder()
    {
        var directory = models.NewFolder();
        File.Move(TinyClapModel.AudioModelPath(directory), Path.Combine(directory, "audio_model.onnx"));
        File.Move(TinyClapModel.TextModelPath(directory), Path.Combine(directory, "text_model.onnx"));
        Directory.Delete(Path.Combine(directory, "onnx"));
        File.Delete(Path.Combine(directory, "preprocessor_config.json"));

        var folder = new ClapModelFolder(directory);

        Assert.Equal(Path.Combine(directory, "audio_model.onnx"), folder.AudioModelPath);
        Assert.Equal(Path.Combine(directory, "text_model.onnx"), folder.TextModelPath);
        Assert.Null(folder.PreprocessorConfigPath);
    }

    [Fact]
    public void Constructor_OfAMissingFolder_ThrowsFileNotFound_NamingItAndTheSetting()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"no-clap-{Guid.NewGuid():N}");

        var error = Assert.Throws<FileNotFoundException>(() => new ClapModelFolder(directory));

        Assert.Equal(directory, error.FileName);
        Assert.Contains(directory, error.Message);
        Assert.Contains("EMBEDDING__CLAP_MODEL_DIR", error.Message);
    }

    [Theory]
    [InlineData("onnx/audio_model.onnx")]
    [InlineData("onnx/text_model.onnx")]
    [InlineData("tokenizer.json")]
    public void Constructor_WithoutARequiredFile_ThrowsFileNotFound_NamingItAndTheSetting(string file)
    {
        var directory = models.NewFolder();
        var path = Path.Combine(directory, file);
        File.Delete(path);

        var error = Assert.Throws<FileNotFoundException>(() => new ClapModelFolder(directory));

        Assert.Equal(Path.GetFullPath(path), error.FileName);
        Assert.Contains(Path.GetFullPath(path), error.Message);
        Assert.Contains("EMBEDDING__CLAP_MODEL_DIR", error.Message);
    }

    [Fact]
    public void Space_IsClapVersion1_FingerprintedByEveryFileThatDecidesAVector()
    {
        var folder = new ClapModelFolder(models.Directory);

        var space = folder.Space(512);

        var fingerprint = ModelFingerprint.Of(folder.AudioModelPath, folder.TextModelPath, folder.TokenizerPath, folder.PreprocessorConfigPath!);
        Assert.Equal(new EmbeddingSpace("clap", "1", 512, fingerprint), space);
        Assert.Equal($"clap-1-m{fingerprint}-512", space.Id);
    }

    [Fact]
    public void Space_IsTheSame_ForTheSameFilesInAnotherFolder()
    {
        Assert.Equal(new ClapModelFolder(models.Directory).Space(512), new ClapModelFolder(models.NewFolder()).Space(512));
    }

    [Theory]
    [InlineData("onnx/audio_model.onnx")]
    [InlineData("onnx/text_model.onnx")]
    [InlineData("tokenizer.json")]
    [InlineData("preprocessor_config.json")]
    public void Space_Changes_WhenAModelFileChanges(string file)
    {
        var before = new ClapModelFolder(models.Directory).Space(512);
        var directory = models.NewFolder();
        var path = Path.Combine(directory, file);
        var bytes = File.ReadAllBytes(path);
        bytes[^2] ^= 1;   // one bit, keeping the length
        File.WriteAllBytes(path, bytes);

        var after = new ClapModelFolder(directory).Space(512);

        Assert.NotEqual(before.Model, after.Model);
        Assert.Equal(before.Embedder, after.Embedder);
    }
}
