using Azure.Storage.Queues;
using AudioFunctions.Storage;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Orchestration;

/// <summary>
/// The Storage queues the pipeline steps travel on (<c>{prefix}decode-steps</c>, <c>window-steps</c>, <c>embed-steps</c>,
/// <c>finalize-steps</c>, <c>space-jobs</c>, each with its <c>-poison</c> queue). Enqueuing also wakes this process's
/// local listener, so a step starts without waiting for the next poll.
/// </summary>
public sealed class WorkQueues
{
    private readonly Dictionary<PipelineStep, QueueClient> _queues;
    private readonly Dictionary<PipelineStep, QueueClient> _poison;
    private readonly CreateOnce _created;

    public WorkQueues(StorageAccount account, IOptions<StorageOptions> options)
    {
        var prefix = options.Value.ContainerPrefix;
        _queues = Enum.GetValues<PipelineStep>().ToDictionary(step => step, step => account.Queues.GetQueueClient(prefix + QueueName(step)));
        _poison = Enum.GetValues<PipelineStep>().ToDictionary(step => step, step => account.Queues.GetQueueClient(prefix + QueueName(step) + "-poison"));
        _created = new CreateOnce(async cancellationToken =>
        {
            foreach (var queue in _queues.Values.Concat(_poison.Values))
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        });
    }

    /// <summary>Raised after a message is enqueued by this process.</summary>
    public event Action<PipelineStep>? Enqueued;

    /// <summary>The queue name of a step without the prefix: what its queue-trigger binding names.</summary>
    public static string QueueName(PipelineStep step) => step switch
    {
        PipelineStep.Decode => "decode-steps",
        PipelineStep.Window => "window-steps",
        PipelineStep.Embed => "embed-steps",
        PipelineStep.Finalize => "finalize-steps",
        PipelineStep.SpaceJob => "space-jobs",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    public QueueClient Queue(PipelineStep step) => _queues[step];

    public QueueClient PoisonQueue(PipelineStep step) => _poison[step];

    public async Task EnqueueAsync(StepMessage message, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        await EnsureCreatedAsync(cancellationToken);
        await _queues[message.Step].SendMessageAsync(message.ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
        Enqueued?.Invoke(message.Step);
    }

    public async Task MoveToPoisonAsync(PipelineStep step, string body, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        await _poison[step].SendMessageAsync(body, cancellationToken: cancellationToken);
    }

    public ValueTask EnsureCreatedAsync(CancellationToken cancellationToken) => _created.EnsureAsync(cancellationToken);
}
