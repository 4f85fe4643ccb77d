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
/// </summary>
public sealed partial class QueueEventPublisher : BackgroundService, IEventPublisher
{
    public const string QueueName = "events";

    /// <summary>Events waiting to be sent; past this, new ones are dropped (and logged) rather than piling up memory.</summary>
    private const int Capacity = 10_000;

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
        await foreach (var audioEvent in _pending.Reader.ReadAllAsync(CancellationToken.None))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (!created)
                    {
                        await _queue.CreateIfNotExistsAsync();
                        created = true;
                    }
                    await _queue.SendMessageAsync(audioEvent.ToCloudEventJson());
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

    [LoggerMessage(4001, LogLevel.Warning, "Event {Type} for {Subject} dropped: too many events waiting")]
    private static partial void Dropped(ILogger logger, string type, string subject);

    [LoggerMessage(4002, LogLevel.Warning, "Event {Type} for {Subject} could not be sent")]
    private static partial void SendFailed(ILogger logger, string type, string subject, Exception exception);
}
