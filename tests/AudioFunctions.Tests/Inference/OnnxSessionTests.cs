using System.Runtime.InteropServices;
using AudioFunctions.Inference;

namespace AudioFunctions.Tests.Inference;

/// <summary>The binding against real models: openWakeWord's mel front end and speech embedding.</summary>
public sealed class OnnxSessionTests(OnnxModels models) : IClassFixture<OnnxModels>
{
    private const int OneSecondAt16k = 16_000;

    // openWakeWord's front end: a 25 ms window every 10 ms gives (16000 - 400) / 160 + 1 = 97 frames per second.
    private const int MelFramesPerSecond = 97;
    private const int MelBins = 32;

    // The dynamic range the mel model keeps below its loudest value.
    private const float TopDb = 80;

    [Fact]
    public void OpenSession_MelSpectrogram_ReportsNamesTypesAndSymbolicShapes()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, -1L], input.Shape);
        var output = Assert.Single(session.Outputs);
        Assert.Equal("output", output.Name);
        Assert.Equal(TensorElementType.Float, output.ElementType);
        Assert.Equal([-1L, 1L, -1L, MelBins], output.Shape);
    }

    [Fact]
    public void OpenSession_SpeechEmbedding_ReportsFixedAndBatchDimensions()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.SpeechEmbedding);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("input_1", input.Name);
        Assert.Equal([-1L, 76L, MelBins, 1L], input.Shape);
        var output = Assert.Single(session.Outputs);
        Assert.Equal(TensorElementType.Float, output.ElementType);
        Assert.Equal([-1L, 1L, 1L, 96L], output.Shape);
    }

    [Fact]
    public void Run_OneSecondSine_Gives97FramesOf32FiniteVaryingBins()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);

        var output = Assert.Single(session.Run([OnnxTensor.Float("input", OnnxModels.Sine16k(1000, OneSecondAt16k), 1, OneSecondAt16k)]));

        Assert.Equal("output", output.Name);
        Assert.Equal([1L, 1L, MelFramesPerSecond, MelBins], output.Shape);
        Assert.Equal(MelFramesPerSecond * MelBins, output.Floats.Length);
        Assert.All(output.Floats, value => Assert.True(float.IsFinite(value)));
        // A pure tone fills a few mel bins and leaves the rest near the floor: the frame is far from flat.
        var frame = output.Floats.AsSpan(50 * MelBins, MelBins);
        Assert.True(System.Numerics.Tensors.TensorPrimitives.Max(frame) - System.Numerics.Tensors.TensorPrimitives.Min(frame) > 10,
            $"mel frame is nearly flat: {string.Join(", ", frame.ToArray())}");
    }

    [Fact]
    public void Run_SameSignalTwice_IsBitIdentical()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);
        var audio = OnnxModels.Sine16k(440, OneSecondAt16k);

        var first = session.Run([OnnxTensor.Float("input", audio, 1, OneSecondAt16k)])[0].Floats;
        var second = session.Run([OnnxTensor.Float("input", audio, 1, OneSecondAt16k)])[0].Floats;

        Assert.True(MemoryMarshal.AsBytes(first.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(second.AsSpan())));
    }

    [Fact]
    public void Run_DifferentSignal_GivesDifferentOutput()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);

        var low = session.Run([OnnxTensor.Float("input", OnnxModels.Sine16k(440, OneSecondAt16k), 1, OneSecondAt16k)])[0].Floats;
        var high = session.Run([OnnxTensor.Float("input", OnnxModels.Sine16k(3000, OneSecondAt16k), 1, OneSecondAt16k)])[0].Floats;

        Assert.Equal(low.Length, high.Length);
        // The tone moves from a low mel bin to a high one, so the loudest bin of a middle frame moves up.
        var lowPeak = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(low.AsSpan(50 * MelBins, MelBins));
        var highPeak = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(high.AsSpan(50 * MelBins, MelBins));
        Assert.True(highPeak > lowPeak, $"peak bin {lowPeak} at 440 Hz, {highPeak} at 3000 Hz");
    }

    [Fact]
    public void Run_BatchOfTwo_GivesEachRowItsOwnResult_AboveTheSharedFloor()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);
        var low = OnnxModels.Sine16k(440, OneSecondAt16k);
        var high = OnnxModels.Sine16k(3000, OneSecondAt16k);
        var batch = new float[2 * OneSecondAt16k];
        low.CopyTo(batch, 0);
        high.CopyTo(batch, OneSecondAt16k);

        var output = session.Run([OnnxTensor.Float("input", batch, 2, OneSecondAt16k)])[0];
        var lowAlone = session.Run([OnnxTensor.Float("input", low, 1, OneSecondAt16k)])[0].Floats;
        var highAlone = session.Run([OnnxTensor.Float("input", high, 1, OneSecondAt16k)])[0].Floats;

        Assert.Equal([2L, 1L, MelFramesPerSecond, MelBins], output.Shape);
        // The model clamps its dB values to (largest value of the whole tensor - 80 dB), so in a
        // batch the quieter row gets the louder row's floor; above that floor each row is its own.
        var floor = System.Numerics.Tensors.TensorPrimitives.Max(output.Floats) - TopDb;
        const int RowLength = MelFramesPerSecond * MelBins;
        AssertClose(Clamp(lowAlone, floor), output.Floats.AsSpan(0, RowLength));
        AssertClose(Clamp(highAlone, floor), output.Floats.AsSpan(RowLength, RowLength));
        Assert.NotEqual(lowAlone, highAlone);
    }

    [Fact]
    public void Run_IntoCallerSpan_WritesTheSameElementsAndReturnsTheShape()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);
        var audio = OnnxModels.Sine16k(1000, OneSecondAt16k);
        var expected = session.Run([OnnxTensor.Float("input", audio, 1, OneSecondAt16k)])[0].Floats;
        var destination = new float[expected.Length + 3];
        destination.AsSpan().Fill(float.NaN);

        var shape = session.Run([OnnxTensor.Float("input", audio, 1, OneSecondAt16k)], "output", destination.AsSpan());

        Assert.Equal([1L, 1L, MelFramesPerSecond, MelBins], shape);
        Assert.Equal(expected, destination.AsSpan(0, expected.Length).ToArray());
        Assert.All(destination.AsSpan(expected.Length).ToArray(), value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void Run_IntoTooShortSpan_Throws()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);

        var error = Assert.Throws<ArgumentException>(() => session.Run(
            [OnnxTensor.Float("input", OnnxModels.Sine16k(1000, OneSecondAt16k), 1, OneSecondAt16k)], "output", new float[10].AsSpan()));

        Assert.Contains($"{MelFramesPerSecond * MelBins} elements", error.Message);
    }

    [Fact]
    public void Run_MelFramesThroughSpeechEmbedding_Gives96Dimensions()
    {
        using var mel = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);
        using var embedding = models.Runtime.OpenSession(OnnxModels.SpeechEmbedding);
        var frames = mel.Run([OnnxTensor.Float("input", OnnxModels.Sine16k(1000, OneSecondAt16k), 1, OneSecondAt16k)])[0].Floats;

        // The embedding reads 76 frames; openWakeWord scales mel output by x / 10 + 2 first.
        var window = new float[76 * MelBins];
        for (var i = 0; i < window.Length; i++)
            window[i] = frames[i] / 10 + 2;
        var output = Assert.Single(embedding.Run([OnnxTensor.Float("input_1", window, 1, 76, MelBins, 1)]));

        Assert.Equal([1L, 1L, 1L, 96L], output.Shape);
        Assert.All(output.Floats, value => Assert.True(float.IsFinite(value)));
        Assert.Contains(output.Floats, value => value != 0);
    }

    [Fact]
    public void OpenSession_MissingModel_ThrowsWithOnnxRuntimesCodeAndMessage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");

        var error = Assert.Throws<OnnxRuntimeException>(() => models.Runtime.OpenSession(path));

        Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
        Assert.Contains(path, error.RuntimeMessage);
        Assert.Contains(error.RuntimeMessage, error.Message);
    }

    [Fact]
    public void Run_WrongInputName_ThrowsInvalidArgumentNamingIt()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);

        var error = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run([OnnxTensor.Float("audio", OnnxModels.Sine16k(1000, OneSecondAt16k), 1, OneSecondAt16k)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("audio", error.RuntimeMessage);
    }

    [Fact]
    public void Run_Int64WhereFloatIsDeclared_ThrowsInvalidArgument()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);

        var error = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run([OnnxTensor.Int64("input", new long[OneSecondAt16k], 1, OneSecondAt16k)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
    }

    [Fact]
    public void Run_UnknownOutputName_ThrowsInvalidArgument()
    {
        using var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);

        var error = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run([OnnxTensor.Float("input", OnnxModels.Sine16k(1000, OneSecondAt16k), 1, OneSecondAt16k)], ["mel"]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("mel", error.RuntimeMessage);
    }

    [Fact]
    public void Float_ShapeThatDoesNotMatchTheElements_IsRejectedBeforeTheRun()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxTensor.Float("input", new float[100], 1, 99));

        Assert.Contains("99 elements, but 100", error.Message);
    }

    [Fact]
    public void Run_AfterDispose_ThrowsObjectDisposed()
    {
        var session = models.Runtime.OpenSession(OnnxModels.MelSpectrogram);
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() =>
            session.Run([OnnxTensor.Float("input", OnnxModels.Sine16k(1000, OneSecondAt16k), 1, OneSecondAt16k)]));
    }

    private static float[] Clamp(float[] values, float floor)
    {
        var clamped = new float[values.Length];
        System.Numerics.Tensors.TensorPrimitives.Max(values, floor, clamped);
        return clamped;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: {expected[i]} alone, {actual[i]} in the batch");
    }
}
