using AudioFunctions.Embedding;
using AudioFunctions.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Spaces;

/// <summary>
/// Reads the stored <see cref="SpaceSelection"/> every <see cref="EmbeddingOptions.SpacesRefreshSeconds"/>, so this
/// instance follows a switch made by a job that ran elsewhere (retrying while storage is unreachable).
/// </summary>
public sealed partial class SpaceSelectionSync(ActiveSpaces spaces, IOptions<EmbeddingOptions> options, ILogger<SpaceSelectionSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.SpacesRefreshSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await spaces.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && (StorageFailures.IsUnavailable(e) || e is IOException))
            {
                RefreshFailed(logger, e.Message);
            }
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(7103, LogLevel.Warning, "Reading the active spaces failed ({Reason}); retrying on the next interval")]
    private static partial void RefreshFailed(ILogger logger, string reason);
}
