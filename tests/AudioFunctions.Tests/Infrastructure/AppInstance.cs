using AudioFunctions.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 on a free port, against a given Azurite and container
/// prefix. Several instances on one prefix behave as one scaled-out deployment.
/// </summary>
public sealed class AppInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AppInstance(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A container prefix no other test uses.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12] + "-";

    public static async Task<AppInstance> StartAsync(
        AzuriteServer azurite,
        string containerPrefix,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["STORAGE__CONTAINER_PREFIX"] = containerPrefix,
            // The whole suite shares one Azurite, which a busy stretch keeps saturated for seconds at a time: a slow
            // answer is not an outage there, so requests get the production retries and a timeout well past such waits.
            ["STORAGE__MAX_RETRIES"] = "2",
            ["STORAGE__NETWORK_TIMEOUT_S"] = "30",
            ["INDEX__SNAPSHOT_PATH"] = Path.Combine(Path.GetTempPath(), "audiofunctions-index", containerPrefix + "tracks.snapshot"),
            ["INDEX__SYNC_INTERVAL_S"] = "1",
            ["PIPELINE__RETRY_DELAY_S"] = "0.2",
            // The app resolves these against its content root, which here is the test's folder, not the repository.
            ["ONNXRUNTIME__LIBRARY_PATH"] = Path.Combine(RepositoryPaths.Root, AudioFunctions.Inference.OnnxRuntimeOptions.DefaultLibraryPath),
            ["EMBEDDING__SPEECH_MODEL_DIR"] = Path.Combine(RepositoryPaths.Root, new AudioFunctions.Embedding.EmbeddingOptions().SpeechModelDirectory),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            overrides[key] = value;

        var app = AudioFunctionsHost.Create([], overrides, services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new AppInstance(app, new Uri(address));
    }

    public async Task StopAsync()
    {
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
