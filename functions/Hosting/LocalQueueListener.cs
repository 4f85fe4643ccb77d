using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using AudioFunctions.Orchestration;
using AudioFunctions.Storage;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.Hosting;

/// <summary>
/// Runs the pipeline's queue steps when the app runs on its own, as the Functions host's queue
/// triggers do in Azure: at most <c>PIPELINE__CONCURRENCY</c> steps at once, a failed message retried
/// after a growing delay, and after <c>PIPELINE__MAX_DEQUEUE_COUNT</c> deliveries moved to the
/// <c>-poison</c> queue with its session marked <c>error</c>. An enqueue by this process wakes it
/// at once; otherwise it polls, backing off to <see cref="MaxIdlePoll"/> while queues stay empty.
/// On shutdown it takes no new messages and lets running steps finish.
/// </summary>
internal sealed partial class LocalQueueListener(
    WorkQueues queues,
    PipelineDispatcher dispatcher,
    IOptions<PipelineOptions> options,
    IConfiguration configuration,
    ILogger<LocalQueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinIdlePoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxIdlePoll = TimeSpan.FromSeconds(1);

    /// <summary>How long running steps may go on after shutdown begins before they are cancelled.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly Dictionary<PipelineStep, SemaphoreSlim> _wake = Enum.GetValues<PipelineStep>().ToDictionary(s => s, _ => new SemaphoreSlim(0, 1));
    private readonly CancellationTokenSource _stepsCancelled = new();

    private PipelineOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (CustomHandlerHost.IsHosted(configuration))
            return;
        queues.Enqueued += Wake;
        try
        {
            var slots = new SemaphoreSlim(Options.EffectiveConcurrency);
            await Task.WhenAll(Enum.GetValues<PipelineStep>().Select(step => PollAsync(step, slots, stoppingToken)));
        }
        finally
        {
            queues.Enqueued -= Wake;
            _stepsCancelled.CancelAfter(StopGrace);
            await Task.WhenAll(_running.Keys);
        }
    }

    private void Wake(PipelineStep step)
    {
        var signal = _wake[step];
        if (signal.CurrentCount == 0)
        {
            try { signal.Release(); } catch (SemaphoreFullException) { /* already awake */ }
        }
    }

    private async Task PollAsync(PipelineStep step, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        var queue = queues.Queue(step);
        var idle = MinIdlePoll;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                QueueMessage[] messages;
                try
                {
                    await queues.EnsureCreatedAsync(stoppingToken);
                    messages = (await queue.ReceiveMessagesAsync(
                        maxMessages: Math.Min(32, 1 + slots.CurrentCount),
                        visibilityTimeout: TimeSpan.FromSeconds(Options.VisibilityTimeoutSeconds),
                        cancellationToken: stoppingToken)).Value;
                }
                catch
                {
                    slots.Release();
                    throw;
                }

                if (messages.Length == 0)
                {
                    slots.Release();
                    await _wake[step].WaitAsync(idle, stoppingToken);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxIdlePoll.Ticks));
                    continue;
                }
                idle = MinIdlePoll;
                for (var i = 0; i < messages.Length; i++)
                {
                    if (i > 0)
                        await slots.WaitAsync(stoppingToken);
                    Track(RunAsync(step, queue, messages[i], slots));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (StorageFailures.IsUnavailable(e))
            {
                PollFailed(logger, step, e.Message);
                await PauseAsync(MaxIdlePoll, stoppingToken);
            }
        }
    }

    private static async Task PauseAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the poll loop ends on its next check.
        }
    }

    private void Track(Task task)
    {
        _running[task] = 0;
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task RunAsync(PipelineStep step, QueueClient queue, QueueMessage message, SemaphoreSlim slots)
    {
        await Task.Yield();
        var cancellationToken = _stepsCancelled.Token;
        StepMessage? parsed = null;
        try
        {
            parsed = StepMessage.Parse(message.Body.ToString());
            await dispatcher.RunAsync(parsed, cancellationToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown cut the step short: let the message be delivered again at once.
            await TryAsync(() => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero));
        }
        catch (Exception e)
        {
            if (message.DequeueCount >= Options.MaxDequeueCount || e is FormatException)
            {
                await TryAsync(async () =>
                {
                    await queues.MoveToPoisonAsync(step, message.Body.ToString(), CancellationToken.None);
                    await dispatcher.GiveUpAsync(step, parsed, (int)message.DequeueCount, e, CancellationToken.None);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                });
            }
            else
            {
                StepFailed(logger, step, parsed?.JobId ?? parsed?.SessionId ?? "?", (int)message.DequeueCount, e);
                var delay = TimeSpan.FromSeconds(Options.RetryDelaySeconds * Math.Pow(2, message.DequeueCount - 1));
                await TryAsync(() => queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay));
            }
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Queue bookkeeping that may fail with storage; if it does, the message simply reappears after its visibility timeout.</summary>
    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e) || e is Azure.RequestFailedException)
        {
            PollFailed(logger, PipelineStep.Window, e.Message);
        }
    }

    [LoggerMessage(2101, LogLevel.Warning, "{Step} step of {SessionId} failed on delivery {Deliveries}; it will be retried")]
    private static partial void StepFailed(ILogger logger, PipelineStep step, string sessionId, int deliveries, Exception exception);

    [LoggerMessage(2102, LogLevel.Warning, "Queue work for {Step} steps hit a storage failure: {Reason}")]
    private static partial void PollFailed(ILogger logger, PipelineStep step, string reason);
}
