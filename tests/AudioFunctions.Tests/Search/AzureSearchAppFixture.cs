using System.Collections.ObjectModel;
using AudioFunctions.Tests.Indexing.AzureSearch;
using Azure.Core.Pipeline;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Search;

/// <summary>
/// The app with search in Azure AI Search (<c>INDEX__BACKEND=azure-search</c>), the service being
/// <see cref="FakeAzureSearchService"/> behind the SDK's transport: every request the app makes is the documented
/// REST call, answered as the service documents it.
/// </summary>
public sealed class AzureSearchAppFixture : AppFixture
{
    internal FakeAzureSearchService Service { get; } = new(AzureSearchTestData.ApiKey);

    protected override IReadOnlyDictionary<string, string?> Settings => new ReadOnlyDictionary<string, string?>(new Dictionary<string, string?>
    {
        ["INDEX__BACKEND"] = "azure-search",
        ["AZURE_SEARCH__ENDPOINT"] = AzureSearchTestData.Endpoint,
        ["AZURE_SEARCH__API_KEY"] = AzureSearchTestData.ApiKey,
        ["AZURE_SEARCH__RETRY_DELAY_MS"] = "10",
        // Repair passes run at start and when a test asks, so the requests a test counts are its own.
        ["INDEX__SYNC_INTERVAL_S"] = "3600",
    });

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<HttpPipelineTransport>(Service.Transport);
}
