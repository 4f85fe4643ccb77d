using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using AudioFunctions.Audio;
using AudioFunctions.Embedding;
using AudioFunctions.Embedding.Speech;
using AudioFunctions.Inference;
using AudioFunctions.Tests.Inference;

namespace AudioFunctions.Tests.Embedding.Speech;

/// <summary>The speech embedder's contract: its space, its errors, and output that depends only on the window.</summary>
public sealed class SpeechAudioEmbedderTests(OnnxModels models, SpeechCorpus corpus)
    : IClassFixture<OnnxModels>, IClassFixture<SpeechCorpus>
{
    private const int Dimensions = 192;
    private static readonly string ModelFolder = Path.GetDirectoryName(OnnxModels.MelSpectrogram)!;

    [Fact]
    public void Space_IsSpeechVersion1WithTheModelsFingerprintAnd192Dimensions()
    {
        using var embedder = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);

        var fingerprint = ModelFingerprint.Of(OnnxModels.MelSpectrogram, OnnxModels.SpeechEmbedding);
        Assert.Equal(new EmbeddingSpace("speech", "1", Dimensions, fingerprint), embedder.Space);
        Assert.Equal($"speech-1-m{fingerprint}-192", embedder.Space.Id);
        Assert.Equal(embedder.Space, EmbeddingSpace.Parse(embedder.Space.Id));
    }

    [Fact]
    public void Space_IsTheSame_ForACopyOfTheModelsInAnotherFolder()
    {
        using var folder = new TemporaryFolder();
        File.Copy(OnnxModels.MelSpectrogram, Path.Combine(folder.Path, SpeechAudioEmbedder.MelModelFile));
        File.Copy(OnnxModels.SpeechEmbedding, Path.Combine(folder.Path, SpeechAudioEmbedder.EmbeddingModelFile));
        using var original = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);

        using var copy = new SpeechAudioEmbedder(models.Runtime, folder.Path, sessionsPerModel: 1);

        Assert.Equal(original.Space.Id, copy.Space.Id);
    }

    [Fact]
    public void Constructor_MissingFolder_ThrowsNamingThePathTheSettingAndTheSetupScript()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"speech-models-{Guid.NewGuid():N}");

        var error = Assert.Throws<FileNotFoundException>(() => new SpeechAudioEmbedder(models.Runtime, missing, sessionsPerModel: 1));

        Assert.Equal(missing, error.FileName);
        Assert.Contains(missing, error.Message);
        Assert.Contains("EMBEDDING__SPEECH_MODEL_DIR", error.Message);
        Assert.Contains("scripts/setup.sh", error.Message);
    }

    [Theory]
    [InlineData(SpeechAudioEmbedder.MelModelFile)]
    [InlineData(SpeechAudioEmbedder.EmbeddingModelFile)]
    public void Constructor_MissingModelFile_ThrowsNamingTheFile(string absent)
    {
        using var folder = new TemporaryFolder();
        foreach (var (source, name) in new[] { (OnnxModels.MelSpectrogram, SpeechAudioEmbedder.MelModelFile), (OnnxModels.SpeechEmbedding, SpeechAudioEmbedder.EmbeddingModelFile) })
            if (name != absent)
                File.Copy(source, Path.Combine(folder.Path, name));

        var error = Assert.Throws<FileNotFoundException>(() => new SpeechAudioEmbedder(models.Runtime, folder.Path, sessionsPerModel: 1));

        var path = Path.Combine(folder.Path, absent);
        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message);
        Assert.Contains("EMBEDDING__SPEECH_MODEL_DIR", error.Message);
        Assert.Contains("scripts/setup.sh", error.Message);
    }

    [Fact]
    public void Constructor_MelFileHoldingAnotherModel_ThrowsNamingTheUnexpectedInput()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(Path.Combine(folder.Path, SpeechAudioEmbedder.MelModelFile), IdentityModel.Build(elementType: 1, width: 4));
        File.Copy(OnnxModels.SpeechEmbedding, Path.Combine(folder.Path, SpeechAudioEmbedder.EmbeddingModelFile));

        var error = Assert.Throws<InvalidOperationException>(() => new SpeechAudioEmbedder(models.Runtime, folder.Path, sessionsPerModel: 1));

        Assert.Contains(SpeechAudioEmbedder.MelModelFile, error.Message);
        Assert.Contains("'x' where 'input' was expected", error.Message);
    }

    [Fact]
    public void Constructor_EmbeddingFileHoldingTheMelModel_ThrowsNamingTheUnexpectedInput()
    {
        using var folder = new TemporaryFolder();
        File.Copy(OnnxModels.MelSpectrogram, Path.Combine(folder.Path, SpeechAudioEmbedder.MelModelFile));
        File.Copy(OnnxModels.MelSpectrogram, Path.Combine(folder.Path, SpeechAudioEmbedder.EmbeddingModelFile));

        var error = Assert.Throws<InvalidOperationException>(() => new SpeechAudioEmbedder(models.Runtime, folder.Path, sessionsPerModel: 1));

        Assert.Contains(SpeechAudioEmbedder.EmbeddingModelFile, error.Message);
        Assert.Contains("'input' where 'input_1' was expected", error.Message);
    }

    [Fact]
    public void Embed_GivesAUnitVectorOfFiniteValues_ThatDiffersBetweenSpeechAndNoise()
    {
        using var embedder = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);

        var speech = Embed(embedder, Window(SoundKind.Speech));
        var noise = Embed(embedder, Window(SoundKind.Noise));

        Assert.All(speech, value => Assert.True(float.IsFinite(value)));
        Assert.Equal(1f, TensorPrimitives.Norm(speech), 1e-5f);
        Assert.Equal(1f, TensorPrimitives.Norm(noise), 1e-5f);
        Assert.True(TensorPrimitives.CosineSimilarity(speech, noise) < 0.95f);
    }

    /// <summary>
    /// The pipeline written out again step by step as openWakeWord's <c>AudioFeatures._get_embeddings</c> does it
    /// (int16-scaled 16 kHz audio, mel, x / 10 + 2, every 76-frame run of frames starting at multiples of 8 that fits),
    /// pooled in double precision: the embedder must agree to float rounding.
    /// </summary>
    [Fact]
    public void Embed_EqualsMeanAndDeviationOfOpenWakeWordsFrameEmbeddings()
    {
        var window = Window(SoundKind.Speech);
        using var embedder = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);
        using var mel = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);
        using var embedding = models.Runtime.OpenSession(OnnxModels.SpeechEmbedding);

        var audio = new float[AudioWindow.Samples / 3];
        new PolyphaseDecimator(SpeechLayout.DecimationFactor, SpeechLayout.DecimatorTapsPerPhase, SpeechLayout.DecimatorCutoffHz,
            AudioWindow.SampleRateHz, SpeechLayout.DecimatorKaiserBeta).Decimate(window, audio);
        for (var i = 0; i < audio.Length; i++)
            audio[i] = Math.Clamp(audio[i] * 32768f, -32768f, 32767f);
        var spectrogram = Assert.Single(mel.Run([OnnxTensor.Float("input", audio, 1, audio.Length)]));
        var frameCount = (int)spectrogram.Shape[2];
        Assert.Equal(997, frameCount);
        var inputs = new List<float>();
        var count = 0;
        for (var start = 0; start + 76 <= frameCount; start += 8, count++)
            for (var i = start * 32; i < (start + 76) * 32; i++)
                inputs.Add(spectrogram.Floats[i] / 10 + 2);
        Assert.Equal(116, count);
        var frames = Assert.Single(embedding.Run([OnnxTensor.Float("input_1", inputs.ToArray(), count, 76, 32, 1)])).Floats;

        var expected = new double[Dimensions];
        for (var d = 0; d < 96; d++)
        {
            var mean = Enumerable.Range(0, count).Average(f => (double)frames[f * 96 + d]);
            expected[d] = mean;
            expected[96 + d] = Math.Sqrt(Enumerable.Range(0, count).Average(f => Math.Pow(frames[f * 96 + d] - mean, 2)));
        }
        var norm = Math.Sqrt(expected.Sum(x => x * x));
        var actual = Embed(embedder, window);
        for (var d = 0; d < Dimensions; d++)
            Assert.True(Math.Abs(actual[d] - expected[d] / norm) < 1e-5, $"dimension {d}: {actual[d]} against {expected[d] / norm}");
    }

    [Fact]
    public void Embed_SameWindow_IsBitIdentical_RunToRunAndAcrossInstances()
    {
        var window = Window(SoundKind.Speech);
        using var first = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);
        using var second = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 2);

        var a = Embed(first, window);
        var b = Embed(first, window);
        var c = Embed(second, window);

        Assert.True(MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan())), "two runs of one embedder differ");
        Assert.True(MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(c.AsSpan())), "two embedders differ");
    }

    [Fact]
    public void EmbedBatch_EightWindows_IsBitIdenticalToEmbedPerWindow()
    {
        using var embedder = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);
        // Speech, music and noise in one batch: the mel model runs per window, so loud windows cannot change quiet ones.
        var chosen = corpus.Windows.Where((_, i) => i % 3 == 0).Take(8).ToArray();
        Assert.Equal(8, chosen.Length);
        var windows = new float[chosen.Length * AudioWindow.Samples];
        for (var i = 0; i < chosen.Length; i++)
            chosen[i].Window.CopyTo(windows, i * AudioWindow.Samples);

        var batch = new float[chosen.Length * Dimensions];
        embedder.EmbedBatch(windows, batch);

        for (var i = 0; i < chosen.Length; i++)
        {
            var single = Embed(embedder, chosen[i].Window);
            Assert.True(MemoryMarshal.AsBytes(single.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(batch.AsSpan(i * Dimensions, Dimensions))),
                $"window {i} ({chosen[i].Label}) differs between EmbedBatch and Embed");
        }
    }

    [Fact]
    public void Embed_ConcurrentCallsOnTwoSessionsPerModel_GiveTheSequentialVectors()
    {
        using var embedder = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 2);
        var windows = corpus.Windows.Take(6).Select(w => w.Window).ToArray();
        var expected = windows.Select(w => Embed(embedder, w)).ToArray();

        var actual = new float[windows.Length][];
        Parallel.For(0, windows.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = Embed(embedder, windows[i]));

        for (var i = 0; i < windows.Length; i++)
            Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void Embed_NonFiniteAndOverRangeSamples_CountAsSilenceAndFullScale()
    {
        using var embedder = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);
        var clean = (float[])Window(SoundKind.Speech).Clone();
        clean.AsSpan(100_000, 1_000).Clear();
        clean.AsSpan(200_000, 1_000).Fill(1f);
        var dirty = (float[])clean.Clone();
        dirty.AsSpan(100_000, 500).Fill(float.NaN);
        dirty.AsSpan(100_500, 500).Fill(float.PositiveInfinity);
        dirty.AsSpan(200_000, 1_000).Fill(3f);

        Assert.Equal(Embed(embedder, clean), Embed(embedder, dirty));
    }

    [Fact]
    public void Embed_WrongWindowOrDestinationLength_Throws()
    {
        using var embedder = new SpeechAudioEmbedder(models.Runtime, ModelFolder, sessionsPerModel: 1);

        Assert.Throws<ArgumentException>(() => embedder.Embed(new float[AudioWindow.Samples - 1], new float[Dimensions]));
        Assert.Throws<ArgumentException>(() => embedder.Embed(new float[AudioWindow.Samples], new float[Dimensions - 1]));
        Assert.Throws<ArgumentException>(() => embedder.EmbedBatch(new float[AudioWindow.Samples + 1], new float[Dimensions]));
        Assert.Throws<ArgumentException>(() => embedder.EmbedBatch(new float[2 * AudioWindow.Samples], new float[Dimensions]));
    }

    private float[] Window(SoundKind kind) => corpus.Windows.First(w => w.Kind == kind).Window;

    private static float[] Embed(SpeechAudioEmbedder embedder, float[] window)
    {
        var vector = new float[embedder.Space.Dimensions];
        embedder.Embed(window, vector);
        return vector;
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(
            System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"speech-models-{Guid.NewGuid():N}")).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
