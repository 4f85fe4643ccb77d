using AudioFunctions.Inference;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Inference;

/// <summary>Loading the library, the slot table, status errors and int64 tensors.</summary>
public sealed class OnnxRuntimeTests(OnnxModels models) : IClassFixture<OnnxModels>
{
    [Fact]
    public void Load_DefaultPath_ResolvesAgainstTheContentRoot_AndIsThePinnedRelease()
    {
        Assert.Equal(Path.Combine(RepositoryPaths.Root, ".tools", "onnxruntime", "1.22.0", "libonnxruntime.so.1"), models.Runtime.LibraryPath);
        Assert.Equal("1.22.0", models.Runtime.Version);
    }

    [Fact]
    public void Load_MissingLibrary_NamesThePathAndTheSetting()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}", "libonnxruntime.so.1");

        var error = Assert.Throws<FileNotFoundException>(() =>
            OnnxRuntime.Load(new OnnxRuntimeOptions { LibraryPath = missing }, RepositoryPaths.Root));

        Assert.Equal(missing, error.FileName);
        Assert.Contains($"'{missing}'", error.Message);
        Assert.Contains("ONNXRUNTIME:LIBRARY_PATH", error.Message);
        Assert.Contains("scripts/setup.sh", error.Message);
    }

    [Fact]
    public void Load_RelativeMissingLibrary_NamesTheResolvedPath()
    {
        var root = Path.Combine(Path.GetTempPath(), $"content-{Guid.NewGuid():N}");

        var error = Assert.Throws<FileNotFoundException>(() => OnnxRuntime.Load(new OnnxRuntimeOptions(), root));

        Assert.Equal(Path.Combine(root, OnnxRuntimeOptions.DefaultLibraryPath), error.FileName);
    }

    [Fact]
    public void Load_FileThatIsNotALibrary_NamesThePathAndTheSetting()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-library-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not ELF");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() =>
                OnnxRuntime.Load(new OnnxRuntimeOptions { LibraryPath = path }, RepositoryPaths.Root));

            Assert.Contains($"'{path}'", error.Message);
            Assert.Contains("ONNXRUNTIME:LIBRARY_PATH", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_Int64Identity_ReportsSymbolicBatch_AndReturnsTheValuesForAnyBatchSize()
    {
        const int Int64Type = 7;
        var path = IdentityModel.Write(Int64Type, width: 3);
        try
        {
            using var session = models.Runtime.OpenSession(path);
            var input = Assert.Single(session.Inputs);
            Assert.Equal(("x", TensorElementType.Int64), (input.Name, input.ElementType));
            Assert.Equal([-1L, 3L], input.Shape);
            Assert.Equal([-1L, 3L], Assert.Single(session.Outputs).Shape);

            long[] values = [long.MinValue, -1, 0, 1, 1L << 40, long.MaxValue];
            var output = Assert.Single(session.Run([OnnxTensor.Int64("x", values, 2, 3)]));
            var single = Assert.Single(session.Run([OnnxTensor.Int64("x", values.AsMemory(3), 1, 3)]));
            var intoSpan = new long[6];
            var shape = session.Run([OnnxTensor.Int64("x", values, 2, 3)], "y", intoSpan.AsSpan());

            Assert.Equal(("y", TensorElementType.Int64), (output.Name, output.ElementType));
            Assert.Equal([2L, 3L], output.Shape);
            Assert.Equal(values, output.Int64s);
            Assert.Equal([1L, 3L], single.Shape);
            Assert.Equal(values[3..], single.Int64s);
            Assert.Equal([2L, 3L], shape);
            Assert.Equal(values, intoSpan);
            Assert.Throws<InvalidOperationException>(() => output.Floats);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_ShapeThatContradictsTheModel_ThrowsInvalidArgument()
    {
        const int FloatType = 1;
        var path = IdentityModel.Write(FloatType, width: 3);
        try
        {
            using var session = models.Runtime.OpenSession(path);

            var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([OnnxTensor.Float("x", new float[4], 1, 4)]));

            Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
            Assert.Contains("x", error.RuntimeMessage);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Options_AbsoluteLibraryPath_IsKeptAsGiven()
    {
        var options = new OnnxRuntimeOptions { LibraryPath = "/opt/onnxruntime/lib/libonnxruntime.so" };

        Assert.Equal("/opt/onnxruntime/lib/libonnxruntime.so", options.ResolveLibraryPath("/srv/app"));
        Assert.Equal("/srv/app/.tools/onnxruntime/1.22.0/libonnxruntime.so.1", new OnnxRuntimeOptions().ResolveLibraryPath("/srv/app"));
    }
}
