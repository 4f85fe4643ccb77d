using AudioFunctions.Inference;

namespace AudioFunctions.Tests.Inference;

public sealed class OnnxSessionPoolTests(OnnxModels models) : IClassFixture<OnnxModels>
{
    [Fact]
    public async Task Rent_OpensSessionsOnlyAsRunsOverlap_AndNeverMoreThanSize()
    {
        using var pool = new OnnxSessionPool(models.Runtime, OnnxModels.MelSpectrogram, size: 2);
        Assert.Equal(1, pool.Opened);
        Assert.Equal("input", pool.Inputs[0].Name);

        using (pool.Rent()) { }
        using (pool.Rent()) { }
        Assert.Equal(1, pool.Opened);   // sequential runs share one session

        var first = pool.Rent();
        var second = pool.Rent();
        Assert.NotSame(first.Session, second.Session);
        Assert.Equal(2, pool.Opened);

        var third = Task.Run(() => { using var lease = pool.Rent(); return lease.Session; });
        await Task.Delay(200);
        Assert.False(third.IsCompleted);   // both sessions are out: the third run waits
        first.Dispose();
        Assert.Same(first.Session, await third);
        second.Dispose();
        Assert.Equal(2, pool.Opened);
    }

    [Fact]
    public void Constructor_MissingModel_ThrowsOrtError()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => new OnnxSessionPool(models.Runtime, "/nonexistent/model.onnx", 2));
        Assert.Contains("model.onnx", error.Message);
    }

    [Fact]
    public void ConcurrentRuns_GiveTheSameResultAsOne()
    {
        using var pool = new OnnxSessionPool(models.Runtime, OnnxModels.MelSpectrogram, size: 3);
        var audio = OnnxModels.Sine16k(440, 16_000);
        float[] RunOnce()
        {
            using var lease = pool.Rent();
            return lease.Session.Run([OnnxTensor.Float("input", audio, 1, audio.Length)])[0].Floats;
        }
        var expected = RunOnce();
        var results = Enumerable.Range(0, 12).AsParallel().WithDegreeOfParallelism(6).Select(_ => RunOnce()).ToArray();

        Assert.All(results, result => Assert.Equal(expected, result));
        Assert.InRange(pool.Opened, 1, 3);
    }
}
