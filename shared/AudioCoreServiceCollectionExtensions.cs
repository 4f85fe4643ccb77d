using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AudioFunctions;

public static class AudioCoreServiceCollectionExtensions
{
    /// <summary>Registers the core library: options (validated at start), storage and stream sessions.</summary>
    public static IServiceCollection AddAudioCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StreamOptions>().Bind(configuration.GetSection(StreamOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => StorageAccount.FromConfiguration(configuration, sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<StorageContainers>();
        services.AddSingleton<AudioSegmentStore>();
        services.AddSingleton<SessionRecords>();
        services.AddSingleton<SessionRecordCache>();
        services.AddSingleton<ActiveSessionRegistry>();
        services.AddSingleton<StreamSessionService>();
        return services;
    }
}
