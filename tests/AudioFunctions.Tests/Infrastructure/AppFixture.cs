using System.Collections.ObjectModel;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>
/// One <see cref="AppInstance"/> on the shared Azurite, under a container prefix of its own, for a
/// test class (<c>IClassFixture&lt;AppFixture&gt;</c>). A subclass overrides <see cref="Settings"/>
/// to start the app with other settings.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    private AppInstance? _app;

    public AppInstance App => _app ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>Settings over the test defaults of <see cref="AppInstance.StartAsync"/>; none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => ReadOnlyDictionary<string, string?>.Empty;

    /// <summary>Replaces services after the app's own registrations; nothing by default.</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    public async Task InitializeAsync() =>
        _app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), Settings, ConfigureServices);

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
