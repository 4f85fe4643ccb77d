using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Hosting;

/// <summary>Two apps for <see cref="FunctionKeyTests"/>: one without a function key, one with <c>AUTH__FUNCTION_KEY=k1</c>.</summary>
public sealed class FunctionKeyApps : IAsyncLifetime
{
    public const string Key = "k1";

    private readonly AppFixture _open = new();
    private readonly KeyedApp _keyed = new();

    public AppInstance Open => _open.App;

    public AppInstance Keyed => _keyed.App;

    public async Task InitializeAsync()
    {
        await _open.InitializeAsync();
        await _keyed.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _open.DisposeAsync();
        await _keyed.DisposeAsync();
    }

    private sealed class KeyedApp : AppFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["AUTH__FUNCTION_KEY"] = Key,
        };
    }
}
