using System.Diagnostics;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>
/// Runs the installed ffmpeg or ffprobe as an independent reference: produces real files and
/// streams for parsers to read, and judges files the code writes.
/// </summary>
public static class FfmpegTool
{
    /// <summary>Generous for the short clips and header probes tests use; a hung tool fails the test instead of the run.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string InstallFolder = "/usr/bin";

    /// <summary>
    /// Runs <paramref name="tool"/> ("ffmpeg" or "ffprobe") with <paramref name="args"/>, feeding
    /// <paramref name="stdin"/> (or nothing: standard input is closed at once), and returns everything
    /// it wrote to standard output.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tool exited non-zero; the message holds its
    /// arguments and standard error.</exception>
    /// <exception cref="TimeoutException">The tool ran longer than <see cref="Timeout"/>; it is killed.</exception>
    public static async Task<byte[]> RunAsync(string tool, IEnumerable<string> args, byte[]? stdin = null)
    {
        if (tool is not ("ffmpeg" or "ffprobe"))
            throw new ArgumentException($"Tool must be ffmpeg or ffprobe; got '{tool}'.", nameof(tool));
        var arguments = args.ToList();
        var installed = Path.Combine(InstallFolder, tool);
        var start = new ProcessStartInfo(File.Exists(installed) ? installed : tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        using var timeout = new CancellationTokenSource(Timeout);
        var stdout = new MemoryStream();
        var readOutput = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
        var readError = process.StandardError.ReadToEndAsync(timeout.Token);
        var writeInput = WriteInputAsync(process, stdin, timeout.Token);
        try
        {
            await Task.WhenAll(readOutput, readError, writeInput);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await readError}");
        return stdout.ToArray();
    }

    private static async Task WriteInputAsync(Process process, byte[]? stdin, CancellationToken cancellationToken)
    {
        try
        {
            if (stdin is not null)
                await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool stopped reading (done or failed); its exit code and standard error tell which.
        }
    }
}
