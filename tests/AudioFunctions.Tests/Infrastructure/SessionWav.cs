using AudioFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>The WAV blob a session's close assembles, read straight from storage.</summary>
public static class SessionWav
{
    public static async Task<byte[]> ReadAsync(IServiceProvider services, string sessionId)
    {
        var blob = services.GetRequiredService<StorageContainers>().Audio.GetBlobClient(WavAssembler.WavBlobName(sessionId));
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }

    /// <summary>Saves the session's WAV under <paramref name="directory"/> (for ffprobe) and returns the path.</summary>
    public static async Task<string> SaveAsync(IServiceProvider services, string sessionId, string directory)
    {
        var path = Path.Combine(directory, sessionId + ".wav");
        await File.WriteAllBytesAsync(path, await ReadAsync(services, sessionId));
        return path;
    }
}
