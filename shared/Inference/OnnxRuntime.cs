using System.Text;

namespace AudioFunctions.Inference;

/// <summary>
/// A loaded ONNX Runtime and its environment: the factory of <see cref="OnnxSession"/>s. Make
/// one per process and share it; it is thread-safe. Sessions keep the environment alive, so
/// disposing this while sessions are open only stops new sessions from being made.
/// </summary>
public sealed class OnnxRuntime : IDisposable
{
    /// <summary>
    /// The version of the <c>OrtApi</c> table asked for (<c>ORT_API_VERSION</c> of ONNX Runtime
    /// 1.22, the release scripts/onnxruntime.sh fetches). A library older than that refuses it.
    /// </summary>
    public const uint ApiVersion = 22;

    // ORT_LOGGING_LEVEL_ERROR: failures reach callers as exceptions; warnings would only add noise on stderr.
    private const int LoggingLevelError = 3;

    private readonly OrtApi api;
    private readonly OrtEnvHandle env;
    private readonly int intraOpThreads;

    private OnnxRuntime(OrtApi api, OrtEnvHandle env, string libraryPath, int intraOpThreads)
    {
        this.api = api;
        this.env = env;
        this.intraOpThreads = intraOpThreads;
        LibraryPath = libraryPath;
    }

    /// <summary>The full path of the loaded library.</summary>
    public string LibraryPath { get; }

    /// <summary>The library's own version, e.g. "1.22.0".</summary>
    public string Version => api.Version;

    /// <summary>
    /// Loads the library that <paramref name="options"/> names (relative paths against
    /// <paramref name="contentRoot"/>) and creates the environment. Loading a library is done once
    /// per path per process; the environment is cheap after the first.
    /// </summary>
    /// <exception cref="FileNotFoundException">No library at the path; the message names the path and the setting.</exception>
    /// <exception cref="InvalidOperationException">The file is not a loadable ONNX Runtime 1.22 or later.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime refused to create its environment.</exception>
    public static unsafe OnnxRuntime Load(OnnxRuntimeOptions options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(contentRoot);
        var path = options.ResolveLibraryPath(contentRoot);
        var api = OnnxRuntimeLibrary.Load(path);

        var env = new OrtEnvHandle(api);
        try
        {
            IntPtr pointer;
            fixed (byte* logId = "AudioFunctions\0"u8)
                api.Check(api.CreateEnv(LoggingLevelError, logId, &pointer));
            env.Adopt(pointer);
            return new OnnxRuntime(api, env, path, options.IntraOpThreads);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the model at <paramref name="modelPath"/> (read whole at this call) with the
    /// configured intra-op thread count. Costly: parse, optimise and allocate; keep the session.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model (e.g. <see cref="OrtErrorCode.NoSuchFile"/>).</exception>
    public unsafe OnnxSession OpenSession(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ObjectDisposedException.ThrowIf(env.IsClosed, this);

        using var sessionOptions = new OrtSessionOptionsHandle(api);
        IntPtr pointer;
        api.Check(api.CreateSessionOptions(&pointer));
        sessionOptions.Adopt(pointer);
        api.Check(api.SetIntraOpNumThreads(pointer, intraOpThreads));

        var session = new OrtSessionHandle(api, env);
        try
        {
            var pathBytes = Encoding.UTF8.GetBytes(Path.GetFullPath(modelPath) + "\0");
            IntPtr sessionPointer;
            fixed (byte* path = pathBytes)
                api.Check(api.CreateSession(env.DangerousGetHandle(), path, sessionOptions.DangerousGetHandle(), &sessionPointer));
            session.Adopt(sessionPointer);
            return new OnnxSession(api, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose() => env.Dispose();
}
