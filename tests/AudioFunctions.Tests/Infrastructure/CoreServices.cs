using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>The core's services as <see cref="AudioCoreServiceCollectionExtensions.AddAudioCore"/> registers them, over the given settings.</summary>
internal static class CoreServices
{
    public static ServiceProvider Resolve(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddLogging().AddAudioCore(configuration).BuildServiceProvider();
    }
}
