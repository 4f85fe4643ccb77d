using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>Reads what a session stored, through the app's own storage classes.</summary>
public static class StoredAudio
{
    public static async Task<byte[]> ReadAsync(IServiceProvider services, string sessionId)
    {
        var session = await RecordAsync(services, sessionId);
        using var audio = new MemoryStream();
        await services.GetRequiredService<AudioSegmentStore>().CopyAudioToAsync(session, audio, CancellationToken.None);
        return audio.ToArray();
    }

    public static async Task<StreamSession> RecordAsync(IServiceProvider services, string sessionId) =>
        (await services.GetRequiredService<SessionRecords>().GetAsync(sessionId, CancellationToken.None))?.Value
            ?? throw new Xunit.Sdk.XunitException($"no record for session {sessionId}");

    /// <summary>Every raw blob of the session, whole (committed or not), in name order.</summary>
    public static async Task<byte[]> ReadRawBlobsAsync(IServiceProvider services, string sessionId)
    {
        var audio = services.GetRequiredService<StorageContainers>().Audio;
        using var all = new MemoryStream();
        var names = new List<string>();
        await foreach (var item in audio.GetBlobsAsync(prefix: sessionId + "/raw/"))
            names.Add(item.Name);
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var content = await audio.GetBlobClient(name).DownloadContentAsync();
            all.Write(content.Value.Content.ToMemory().Span);
        }
        return all.ToArray();
    }

    public static async Task<int> CountBlobsAsync(IServiceProvider services, string sessionId)
    {
        var count = 0;
        await foreach (var _ in services.GetRequiredService<StorageContainers>().Audio.GetBlobsAsync(prefix: sessionId + "/"))
            count++;
        return count;
    }
}
