using System.Threading.Channels;
using Azure.Storage.Queues;
using AudioFunctions.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Events;

/// <summary>
/// Sends events to the Storage queue <c>{prefix}events</c> as CloudEvents JSON (base64-encoded
/// message text, as every queue of the app), from a background loop that drains on shutdown.
/// A message holds one event, or, when several were waiting, a JSON array of them (the CloudEvents
/// JSON batch format), so a busy stream costs a queue write per batch rather than per event.
/// </summary>
public sealed partial class QueueEventPublisher : BackgroundService, IEventPublisher
{
    public const string QueueName = "events";

    /// <summary>Events waiting to be sent; past this, new ones are dropped (and logged) rather than piling up memory.</summary>
    private const int Capacity = 10_000;

    /// <summary>Text per message, kept well under the queue's 64 KiB once base64 adds a third.</summary>
    private const int MaxMessageChars = 40_000;

    private readonly Channel<AudioEvent> _pending = Channel.CreateBounded<AudioEvent>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private readonly QueueClient _queue;
    private readonly ILogger<QueueEventPublisher> _logger;

    public QueueEventPublisher(StorageAccount account, IOptions<StorageOptions> options, ILogger<QueueEventPublisher> logger)
    {
        _queue = account.Queues.GetQueueClient(options.Value.ContainerPrefix + QueueName);
        _logger = logger;
    }

    public QueueClient Queue => _queue;

    public void Publish(AudioEvent audioEvent)
    {
        if (!_pending.Writer.TryWrite(audioEvent))
            Dropped(_logger, audioEvent.Type, audioEvent.Subject);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var created = false;
        // Not cancelled by stoppingToken: on shutdown the channel completes and what is queued is still sent.
        await foreach (var first in _pending.Reader.ReadAllAsync(CancellationToken.None))
        {
            var (message, audioEvent) = NextMessage(first);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (!created)
                    {
                        await _queue.CreateIfNotExistsAsync();
                        created = true;
                    }
                    await _queue.SendMessageAsync(message);
                    break;
                }
                catch (Exception e) when (StorageFailures.IsUnavailable(e) && attempt < 3 && !stoppingToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    SendFailed(_logger, audioEvent.Type, audioEvent.Subject, e);
                    break;
                }
            }
        }
    }

    /// <summary>The first event, and whichever others are already waiting, as one message's text.</summary>
    private (string Message, AudioEvent First) NextMessage(AudioEvent first)
    {
        var single = first.ToCloudEventJson();
        if (!_pending.Reader.TryPeek(out _))
            return (single, first);
        var batch = new System.Text.StringBuilder("[").Append(single);
        while (_pending.Reader.TryPeek(out var next))
        {
            var json = next.ToCloudEventJson();
            if (batch.Length + json.Length + 2 > MaxMessageChars)
                break;
            _pending.Reader.TryRead(out _);
            batch.Append(',').Append(json);
        }
        return (batch.Append(']').ToString(), first);
    }

    [LoggerMessage(4001, LogLevel.Warning, "Event {Type} for {Subject} dropped: too many events waiting")]
    private static partial void Dropped(ILogger logger, string type, string subject);

    [LoggerMessage(4002, LogLevel.Warning, "Event {Type} for {Subject} could not be sent")]
    private static partial void SendFailed(ILogger logger, string type, string subject, Exception exception);
}
