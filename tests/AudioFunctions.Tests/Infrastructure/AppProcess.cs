using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AudioFunctions.Functions.Hosting;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>
/// The app as a separate process (<c>dotnet AudioFunctions.Functions.dll</c>) on a free loopback
/// port: on its own, or as the Functions host would start it (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c>).
/// It can be stopped gracefully (SIGTERM) or killed outright (SIGKILL), as a crash would.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AppProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static async Task<AppProcess> StartAsync(
        AzuriteServer azurite, string containerPrefix, IReadOnlyDictionary<string, string>? settings = null, bool underFunctionsHost = false)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(FunctionLayout).Assembly.Location);
        if (underFunctionsHost)
            start.Environment[CustomHandlerHost.PortSetting] = port.ToString();
        else
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["STORAGE__CONTAINER_PREFIX"] = containerPrefix;
        start.Environment["INDEX__SNAPSHOT_PATH"] = Path.Combine(Path.GetTempPath(), "audiofunctions-index", containerPrefix + "tracks.snapshot");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, port);
        await app.WaitHealthyAsync();
        return app;
    }

    /// <summary>Ends the process at once (SIGKILL): nothing in flight finishes.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Stops the process as a host would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        _ = Terminate(_process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new Xunit.Sdk.XunitException("the app did not stop on SIGTERM");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
        await Task.CompletedTask;
    }

    private async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new Xunit.Sdk.XunitException($"the app exited during start-up with code {_process.ExitCode}");
            try
            {
                if ((await Client.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        Kill();
        throw new Xunit.Sdk.XunitException("the app did not answer on its port within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Terminate(int pid, int signal);
}
