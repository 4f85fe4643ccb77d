using AudioFunctions.Functions.Health;
using AudioFunctions.Functions.Http;
using AudioFunctions.Functions.Orchestration;
using AudioFunctions.Functions.Search;
using AudioFunctions.Functions.Spaces;
using AudioFunctions.Functions.Sockets;
using AudioFunctions.Functions.Streams;
using AudioFunctions.Functions.WebPubSub;
using AudioFunctions.Sessions;

namespace AudioFunctions.Functions.Hosting;

/// <summary>Builds the app: configuration, services, Kestrel and every declared function.</summary>
public static class AudioFunctionsHost
{
    /// <summary>
    /// Creates the app. Settings come from <c>local.settings.json</c> <c>Values</c>, then the
    /// environment, then the command line, then <paramref name="overrides"/> (each later one wins;
    /// override keys may use the <c>SECTION__NAME</c> form of settings). <paramref name="services"/>, when given, runs
    /// after the app's own registrations (a host embedding the app replaces a service there).
    /// </summary>
    public static WebApplication Create(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        var configuration = builder.Configuration;
        configuration.Sources.Clear();
        configuration.AddLocalSettings(Path.Combine(builder.Environment.ContentRootPath, LocalSettings.FileName));
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
        if (overrides is not null)
            configuration.AddInMemoryCollection(overrides.Select(o => KeyValuePair.Create(LocalSettings.ToConfigurationKey(o.Key), o.Value)));

        builder.WebHost.UseUrls(CustomHandlerHost.ListenUrls(configuration));
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // Bodies are bounded by their own settings (413 with an error body). Kestrel's ceiling sits
            // well above them so that it can read and discard a moderately oversized body and the
            // client receives that 413, rather than a connection reset in mid-upload.
            var maxFrameBytes = context.Configuration.GetSection(StreamOptions.Section).Get<StreamOptions>()?.MaxFrameBytes
                ?? new StreamOptions().MaxFrameBytes;
            kestrel.Limits.MaxRequestBodySize = 4L * Math.Max(maxFrameBytes, RequestBodies.MaxControlBodyBytes);
        });

        builder.Services.AddAudioCore(configuration);
        builder.Services.AddAudioFunctions(configuration);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseStatusCodePages(ErrorResponses.ForRoutingAsync);
        app.UseMiddleware<ErrorResponses>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapHealthFunctions();
        app.MapStreamFunctions();
        app.MapSearchFunctions();
        app.MapSpaceFunctions();
        app.MapPipelineFunctions();
        app.MapAudioSessionFunctions();
        app.MapLiveAudioSockets();
        app.MapWebPubSubFunctions();
        return app;
    }

    /// <summary>Registers the function-app plumbing: the catalog, local key checks and local timers.</summary>
    public static IServiceCollection AddAudioFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton<FunctionCatalog>();
        services.AddHostedService<LocalTimerService>();
        services.AddHostedService<LocalQueueListener>();
        services.AddOptions<LiveAudioOptions>().Bind(configuration.GetSection(LiveAudioOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LiveAudioProtocol>();
        services.AddWebPubSub(configuration);
        return services;
    }
}
