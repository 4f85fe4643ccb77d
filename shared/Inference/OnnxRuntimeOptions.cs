using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Inference;

/// <summary>
/// Where the ONNX Runtime native library is and how sessions use threads, section
/// <c>ONNXRUNTIME</c> (<c>ONNXRUNTIME__LIBRARY_PATH</c>, <c>ONNXRUNTIME__INTRA_OP_THREADS</c>,
/// <c>ONNXRUNTIME__SESSIONS_PER_MODEL</c>).
/// </summary>
public sealed class OnnxRuntimeOptions
{
    public const string Section = "ONNXRUNTIME";

    /// <summary>The configuration key of <see cref="LibraryPath"/>, as error messages name it.</summary>
    public const string LibraryPathKey = Section + ":LIBRARY_PATH";

    /// <summary>
    /// Where scripts/onnxruntime.sh (run by scripts/setup.sh) puts the library of the pinned
    /// onnxruntime-node release, relative to the app's content root.
    /// </summary>
    public const string DefaultLibraryPath = ".tools/onnxruntime/1.22.0/libonnxruntime.so.1";

    /// <summary>
    /// The <c>libonnxruntime.so</c> to load: absolute, or relative to the app's content root.
    /// Any release whose C API reaches version <see cref="OnnxRuntime.ApiVersion"/> works.
    /// </summary>
    [ConfigurationKeyName("LIBRARY_PATH")]
    [Required(AllowEmptyStrings = false)]
    public string LibraryPath { get; set; } = DefaultLibraryPath;

    /// <summary>
    /// Threads one session uses inside an operator; 0 lets ONNX Runtime take one per core. The
    /// default of 1 keeps a run on its caller's thread, so concurrent requests share the cores
    /// instead of each spinning a pool as wide as the machine.
    /// </summary>
    [ConfigurationKeyName("INTRA_OP_THREADS")]
    [Range(0, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>
    /// Sessions an <see cref="OnnxSessionPool"/> opens for one model at most, and so the runs of that model that go
    /// at once; 0 means one per core. Each session holds its own copy of the weights' working memory, so a large
    /// model on a small machine wants few.
    /// </summary>
    [ConfigurationKeyName("SESSIONS_PER_MODEL")]
    [Range(0, 256)]
    public int SessionsPerModel { get; set; }

    /// <summary><see cref="SessionsPerModel"/> with 0 resolved to the core count.</summary>
    public int ResolveSessionsPerModel() => SessionsPerModel == 0 ? Environment.ProcessorCount : SessionsPerModel;

    /// <summary>The library's full path: <see cref="LibraryPath"/> resolved against <paramref name="contentRoot"/>.</summary>
    public string ResolveLibraryPath(string contentRoot) => Path.GetFullPath(LibraryPath, contentRoot);
}
