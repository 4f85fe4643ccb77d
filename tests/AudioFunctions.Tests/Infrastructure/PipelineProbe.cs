using System.Text.Json;
using AudioFunctions.Embedding;
using AudioFunctions.Events;
using AudioFunctions.Orchestration;
using AudioFunctions.Storage;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>Reads what the pipeline stored and published, through the app's storage, for assertions.</summary>
public static class PipelineProbe
{
    public static async Task<WindowCheckpoint?> CheckpointAsync(IServiceProvider services, string sessionId) =>
        (await services.GetRequiredService<WindowCheckpoints>().GetAsync(sessionId, default))?.Value;

    /// <summary>The stored vectors of windows 0..count-1 in the active audio space (null where missing).</summary>
    public static async Task<float[]?[]> WindowVectorsAsync(IServiceProvider services, string sessionId, int count)
    {
        var space = services.GetRequiredService<AudioFunctions.Spaces.ActiveSpaces>().Current.Audio!;
        var store = services.GetRequiredService<WindowStore>();
        return await Task.WhenAll(Enumerable.Range(0, count).Select(w => store.GetVectorAsync(sessionId, space, w, default)));
    }

    /// <summary>Names of the stored window-vector blobs of a session.</summary>
    public static async Task<List<string>> WindowVectorBlobsAsync(IServiceProvider services, string sessionId)
    {
        var names = new List<string>();
        await foreach (var item in services.GetRequiredService<StorageContainers>().Audio.GetBlobsAsync(prefix: sessionId + "/vectors/"))
            names.Add(item.Name);
        return names;
    }

    /// <summary>Every event on the events queue so far (peeked, left in place), parsed.</summary>
    public static async Task<List<JsonElement>> EventsAsync(IServiceProvider services)
    {
        var queue = services.GetRequiredService<QueueEventPublisher>().Queue;
        var events = new List<JsonElement>();
        // Peek shows at most 32; receive-and-hide walks the whole queue (the test owns it).
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
                break;
            foreach (var message in batch)
            {
                // One CloudEvent, or a JSON array of them (the batch format).
                var root = JsonDocument.Parse(message.Body.ToString()).RootElement.Clone();
                if (root.ValueKind == JsonValueKind.Array)
                    events.AddRange(root.EnumerateArray());
                else
                    events.Add(root);
            }
        }
        return events;
    }

    public static async Task<int> PoisonCountAsync(IServiceProvider services, PipelineStep step)
    {
        QueueClient poison = services.GetRequiredService<WorkQueues>().PoisonQueue(step);
        if (!(await poison.ExistsAsync()).Value)
            return 0;
        return (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return true;
            await Task.Delay(50);
        }
        return await condition();
    }
}
