using AudioFunctions.Storage;

namespace AudioFunctions.Functions.Hosting;

/// <summary>
/// Runs the declared timer functions when the app runs on its own. Under the Functions host the
/// host triggers them instead, so this does nothing there.
/// </summary>
internal sealed partial class LocalTimerService(
    FunctionCatalog catalog,
    IServiceProvider services,
    IConfiguration configuration,
    ILogger<LocalTimerService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (CustomHandlerHost.IsHosted(configuration))
            return Task.CompletedTask;
        return Task.WhenAll(catalog.Timers.Select(timer => RunAsync(timer, stoppingToken)));
    }

    private async Task RunAsync(LocalTimer timer, CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(timer.Interval(services));
        while (await NextTickAsync(ticks, stoppingToken))
        {
            try
            {
                using var scope = services.CreateScope();
                await timer.Run(scope.ServiceProvider, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed run (storage down, say) is retried on the next tick, as the host would.
                if (StorageFailures.IsUnavailable(e))
                    TimerFailedForStorage(logger, timer.Function.Name);
                else
                    TimerFailed(logger, timer.Function.Name, e);
            }
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer ticks, CancellationToken stoppingToken)
    {
        try
        {
            return await ticks.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false; // the app is stopping
        }
    }

    [LoggerMessage(2001, LogLevel.Error, "Timer function {FunctionName} failed")]
    private static partial void TimerFailed(ILogger logger, string functionName, Exception exception);

    [LoggerMessage(2002, LogLevel.Warning, "Timer function {FunctionName} could not reach storage; next tick retries")]
    private static partial void TimerFailedForStorage(ILogger logger, string functionName);
}
