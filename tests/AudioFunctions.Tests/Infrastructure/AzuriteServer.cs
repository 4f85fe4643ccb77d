using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>
/// A real Azurite (blob, queue, table) on 127.0.0.1, on ports it picks itself, with its data in a
/// temporary folder. <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> simulate storage going
/// down and coming back with its data and ports intact.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's fixed development account (documented, not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<Task<AzuriteServer>> SharedInstance = new(() => StartAsync());

    private readonly string _location;
    private Process? _process;

    private AzuriteServer(string location) => _location = location;

    /// <summary>One Azurite for the whole test run; tests keep apart by container prefix.</summary>
    public static Task<AzuriteServer> Shared => SharedInstance.Value;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};";

    public static async Task<AzuriteServer> StartAsync()
    {
        var location = Path.Combine(Path.GetTempPath(), "audiofunctions-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var server = new AzuriteServer(location);
        await server.LaunchAsync(0, 0, 0);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Release();
        return server;
    }

    /// <summary>
    /// Takes storage away: Azurite stops (SIGTERM, so it saves its data, as a real account keeps
    /// its data through an outage) and its ports refuse connections until <see cref="StartAgainAsync"/>.
    /// </summary>
    public Task StopAsync()
    {
        Kill();
        return Task.CompletedTask;
    }

    /// <summary>Starts Azurite again on the same ports and data.</summary>
    public Task StartAgainAsync() => LaunchAsync(BlobPort, QueuePort, TablePort);

    public ValueTask DisposeAsync()
    {
        Release();
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops Azurite and removes its data folder.</summary>
    private void Release()
    {
        Kill();
        try
        {
            if (Directory.Exists(_location))
                Directory.Delete(_location, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    private async Task LaunchAsync(int blobPort, int queuePort, int tablePort)
    {
        if (!File.Exists(RepositoryPaths.Azurite))
            throw new InvalidOperationException($"Azurite is not installed at {RepositoryPaths.Azurite}; run ./test.sh (or scripts/setup.sh).");
        var start = new ProcessStartInfo(RepositoryPaths.Azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--disableTelemetry", "--skipApiVersionCheck", "--location", _location,
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(),
        })
            start.ArgumentList.Add(arg);

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process = process;
        var ports = new Dictionary<string, int>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (output)
            {
                output.AppendLine(e.Data);
                if (ListeningLine().Match(e.Data) is { Success: true } match)
                    ports[match.Groups[1].Value] = int.Parse(match.Groups[2].Value);
                if (ports.Count == 3)
                    ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var finished = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
        if (finished != ready.Task)
        {
            Kill();
            lock (output)
                throw new InvalidOperationException("Azurite did not come up:\n" + output);
        }
        (BlobPort, QueuePort, TablePort) = (ports["Blob"], ports["Queue"], ports["Table"]);
    }

    private void Kill()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
            return;
        try
        {
            if (!process.HasExited)
            {
                // Azurite keeps its metadata in memory and saves it on a graceful exit.
                _ = Terminate(process.Id, Sigterm);
                if (!process.WaitForExit(15_000))
                    process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }

    private const int Sigterm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Terminate(int pid, int signal);

    [GeneratedRegex(@"(Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
