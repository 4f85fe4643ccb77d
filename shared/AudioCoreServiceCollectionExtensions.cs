using AudioFunctions.Audio;
using AudioFunctions.Embedding;
using AudioFunctions.Events;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;
using AudioFunctions.Inference;
using AudioFunctions.Orchestration;
using AudioFunctions.Sessions;
using AudioFunctions.Spaces;
using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AudioFunctions;

public static class AudioCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the core library: options (validated at start), storage, stream sessions, the
    /// pipeline steps, embedders, the index and events, with their background services.
    /// </summary>
    public static IServiceCollection AddAudioCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.Section);
        services.AddValidatedOptions<StreamOptions>(configuration, StreamOptions.Section);
        services.AddValidatedOptions<PipelineOptions>(configuration, PipelineOptions.Section);
        services.AddValidatedOptions<IndexOptions>(configuration, IndexOptions.Section);
        services.AddValidatedOptions<FfmpegOptions>(configuration, FfmpegOptions.Section);
        services.AddValidatedOptions<EmbeddingOptions>(configuration, EmbeddingOptions.Section);
        services.AddValidatedOptions<OnnxRuntimeOptions>(configuration, OnnxRuntimeOptions.Section);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => StorageAccount.FromConfiguration(configuration, sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<StorageContainers>();
        services.AddSingleton<AudioSegmentStore>();
        services.AddSingleton<WindowStore>();
        services.AddSingleton<TrackStore>();
        services.AddSingleton<WavAssembler>();

        services.AddSingleton<SessionRecords>();
        services.AddSingleton<SessionRecordCache>();
        services.AddSingleton<ActiveSessionRegistry>();
        services.AddSingleton<StreamSessionService>();

        services.AddSingleton<WorkQueues>();
        services.AddSingleton<WindowCheckpoints>();
        services.AddSingleton<FfmpegDecoder>();
        services.AddSingleton<DecodeStep>();
        services.AddSingleton<WindowStep>();
        services.AddSingleton<EmbedStep>();
        services.AddSingleton<FinalizeStep>();
        services.AddSingleton<TrackVectors>();
        services.AddSingleton<PipelineDispatcher>();

        services.AddSingleton<EmbedderCatalog>();
        services.AddSingleton<ActiveSpaces>();
        services.AddSingleton<SpaceJobs>();
        services.AddHostedService<SpaceSelectionSync>();

        services.AddSingleton<TrackIndex>();
        services.AddSingleton<EmbeddedSearchBackend>();
        if (configuration.GetSection(IndexOptions.Section)[nameof(IndexOptions.Backend).ToUpperInvariant()] == IndexOptions.AzureSearch)
        {
            services.AddValidatedOptions<AzureSearchOptions>(configuration, AzureSearchOptions.Section);
            // A transport registered by a host replaces HTTP (tests answer the service's requests themselves).
            services.AddSingleton(sp => new AzureSearchBackend(
                sp.GetRequiredService<IOptions<AzureSearchOptions>>().Value,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AzureSearchBackend>>(),
                sp.GetRequiredService<StorageAccount>().Credential,
                sp.GetService<Azure.Core.Pipeline.HttpPipelineTransport>()));
            services.AddSingleton<ITrackSearchBackend>(sp => sp.GetRequiredService<AzureSearchBackend>());
            // Repairs what a process that died between saving a track and writing it to the service left stale.
            services.AddSingleton<AzureSearchReconciler>();
            services.AddHostedService(sp => sp.GetRequiredService<AzureSearchReconciler>());
        }
        else
        {
            services.AddSingleton<ITrackSearchBackend>(sp => sp.GetRequiredService<EmbeddedSearchBackend>());
        }
        services.AddSingleton<TrackSearchUpdates>();
        services.AddSingleton<TrackSearch>();
        services.AddSingleton<TrackIndexSync>();
        services.AddHostedService(sp => sp.GetRequiredService<TrackIndexSync>());

        services.AddSingleton<QueueEventPublisher>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<QueueEventPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<QueueEventPublisher>());
        return services;
    }

    private static void AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
