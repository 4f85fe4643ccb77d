using System.Numerics.Tensors;

namespace AudioFunctions.Tests.Embedding.Clap;

/// <summary>
/// What search relies on: a text vector and the audio vectors of one CLAP model compare by cosine, and the tiny
/// model's words find the tones they name (see <see cref="TinyClapModel"/>).
/// </summary>
public sealed class ClapJointSpaceTests(ClapModels models) : IClassFixture<ClapModels>
{
    [Fact]
    public void EachWord_RanksItsOwnToneFirst()
    {
        var tones = TinyClapModel.ToneFrequenciesHz;
        var windows = new float[tones.Length * 480_000];
        for (var i = 0; i < tones.Length; i++)
            TinyClapModel.Tone(tones[i]).CopyTo(windows, i * 480_000);
        var audio = new float[tones.Length * 512];
        models.Audio.EmbedBatch(windows, audio);
        var words = new float[TinyClapModel.Words.Length * 512];
        models.Text.EmbedBatch(TinyClapModel.Words, words);

        for (var w = 0; w < TinyClapModel.Words.Length; w++)
        {
            var similarities = new float[tones.Length];
            for (var t = 0; t < tones.Length; t++)
                similarities[t] = TensorPrimitives.Dot(words.AsSpan(w * 512, 512), audio.AsSpan(t * 512, 512));
            Assert.True(TensorPrimitives.IndexOfMax(similarities) == w,
                $"'{TinyClapModel.Words[w]}' against {string.Join(", ", tones.Select((f, t) => $"{f} Hz: {similarities[t]:F3}"))}");
            Assert.True(similarities[w] > 0.5f, $"'{TinyClapModel.Words[w]}' · its tone = {similarities[w]}");
        }
    }

    [Fact]
    public void Low_RanksA300HzToneAboveA5kHzTone_AndHighTheReverse()
    {
        var low = Text("a low tone");
        var high = Text("a high tone");
        var tone300 = Audio(300);
        var tone5k = Audio(5000);

        Assert.True(TensorPrimitives.Dot(low, tone300) > TensorPrimitives.Dot(low, tone5k) + 0.5f);
        Assert.True(TensorPrimitives.Dot(high, tone5k) > TensorPrimitives.Dot(high, tone300) + 0.5f);
    }

    [Fact]
    public void Middle_RanksA1250HzToneAboveTheOthers()
    {
        var middle = Text("middle");

        Assert.True(TensorPrimitives.Dot(middle, Audio(1250)) > TensorPrimitives.Dot(middle, Audio(300)) + 0.5f);
        Assert.True(TensorPrimitives.Dot(middle, Audio(1250)) > TensorPrimitives.Dot(middle, Audio(5000)) + 0.5f);
    }

    [Fact]
    public void UnknownWords_MatchNoTone()
    {
        var unknown = Text("a banjo");

        Assert.InRange(TensorPrimitives.Dot(unknown, Audio(300)), -1e-6f, 1e-6f);
        Assert.InRange(TensorPrimitives.Dot(unknown, Audio(5000)), -1e-6f, 1e-6f);
    }

    private float[] Text(string text)
    {
        var vector = new float[512];
        models.Text.Embed(text, vector);
        return vector;
    }

    private float[] Audio(double frequencyHz)
    {
        var vector = new float[512];
        models.Audio.Embed(TinyClapModel.Tone(frequencyHz), vector);
        return vector;
    }
}
