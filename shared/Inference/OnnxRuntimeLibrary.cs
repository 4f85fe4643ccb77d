using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace AudioFunctions.Inference;

/// <summary>
/// Loads <c>libonnxruntime.so</c> from an explicit path and reads its <c>OrtApi</c> table. The
/// only exported symbol used is <c>OrtGetApiBase</c>; everything else comes from the table, so
/// no <c>DllImport</c> name has to resolve. A library stays loaded for the life of the process
/// (ONNX Runtime does not support being unloaded), and each path is loaded once.
/// </summary>
internal static unsafe class OnnxRuntimeLibrary
{
    private static readonly ConcurrentDictionary<string, Lazy<OrtApi>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The <c>OrtApi</c> of the library at <paramref name="fullPath"/>, loading it on first use.</summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidOperationException">The file is not a loadable ONNX Runtime of a recent enough version.</exception>
    public static OrtApi Load(string fullPath)
    {
        // A failed load is not cached: the file may be fetched before the next attempt.
        var entry = Loaded.GetOrAdd(fullPath, path => new Lazy<OrtApi>(() => LoadCore(path)));
        try
        {
            return entry.Value;
        }
        catch
        {
            Loaded.TryRemove(new KeyValuePair<string, Lazy<OrtApi>>(fullPath, entry));
            throw;
        }
    }

    private static OrtApi LoadCore(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"The ONNX Runtime library was not found at '{path}'. Set {OnnxRuntimeOptions.LibraryPathKey} " +
                $"(environment variable ONNXRUNTIME__LIBRARY_PATH) to a libonnxruntime.so, or run scripts/setup.sh, " +
                $"which fetches it to {OnnxRuntimeOptions.DefaultLibraryPath}.",
                path);

        IntPtr library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException(
                $"The ONNX Runtime library at '{path}' ({OnnxRuntimeOptions.LibraryPathKey}) could not be loaded: {e.Message}", e);
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBase))
            throw new InvalidOperationException(
                $"'{path}' ({OnnxRuntimeOptions.LibraryPathKey}) does not export OrtGetApiBase: it is not ONNX Runtime.");

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        var apiBase = ((delegate* unmanaged[Cdecl]<void**>)getApiBase)();
        var getApi = (delegate* unmanaged[Cdecl]<uint, void**>)apiBase[0];
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((IntPtr)getVersionString()) ?? "unknown";

        var table = getApi(OnnxRuntime.ApiVersion);
        if (table == null)
            throw new InvalidOperationException(
                $"The ONNX Runtime at '{path}' ({OnnxRuntimeOptions.LibraryPathKey}) is version {version}, " +
                $"which does not offer C API version {OnnxRuntime.ApiVersion}; use release 1.{OnnxRuntime.ApiVersion} or later.");
        return new OrtApi(table, version);
    }
}
