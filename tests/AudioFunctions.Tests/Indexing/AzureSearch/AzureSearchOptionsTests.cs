using System.ComponentModel.DataAnnotations;
using AudioFunctions.Indexing.AzureSearch;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

public sealed class AzureSearchOptionsTests
{
    [Fact]
    public void Binds_FromTheAzureSearchSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AZURE_SEARCH:ENDPOINT"] = "https://music.search.windows.net",
            ["AZURE_SEARCH:API_KEY"] = "k",
            ["AZURE_SEARCH:INDEX_PREFIX"] = "prod-1",
            ["AZURE_SEARCH:HNSW_M"] = "10",
            ["AZURE_SEARCH:HNSW_EF_CONSTRUCTION"] = "100",
            ["AZURE_SEARCH:HNSW_EF_SEARCH"] = "1000",
            ["AZURE_SEARCH:MAX_RETRIES"] = "2",
            ["AZURE_SEARCH:RETRY_DELAY_MS"] = "50",
        }).Build();

        var options = configuration.GetSection(AzureSearchOptions.Section).Get<AzureSearchOptions>()!;

        Assert.Equal("https://music.search.windows.net", options.Endpoint);
        Assert.Equal("k", options.ApiKey);
        Assert.Equal("prod-1", options.IndexPrefix);
        Assert.Equal((10, 100, 1000, 2, 50), (options.HnswM, options.HnswEfConstruction, options.HnswEfSearch, options.MaxRetries, options.RetryDelayMilliseconds));
        Assert.Empty(Validate(options));
    }

    [Fact]
    public void Defaults_AreValidOnceTheEndpointIsSet()
    {
        var options = new AzureSearchOptions { Endpoint = "https://music.search.windows.net" };

        Assert.Empty(Validate(options));
        Assert.Equal(("audiofunctions", 8, 400, 500, 5), (options.IndexPrefix, options.HnswM, options.HnswEfConstruction, options.HnswEfSearch, options.MaxRetries));
        Assert.Contains(nameof(AzureSearchOptions.Endpoint), Validate(new AzureSearchOptions()));
    }

    [Theory]
    [InlineData(nameof(AzureSearchOptions.HnswM), 3)]
    [InlineData(nameof(AzureSearchOptions.HnswM), 11)]
    [InlineData(nameof(AzureSearchOptions.HnswEfConstruction), 99)]
    [InlineData(nameof(AzureSearchOptions.HnswEfSearch), 1001)]
    public void Validation_RejectsHnswSettingsOutsideTheServiceLimits(string property, int value)
    {
        var options = new AzureSearchOptions { Endpoint = "https://music.search.windows.net" };
        typeof(AzureSearchOptions).GetProperty(property)!.SetValue(options, value);

        Assert.Equal([property], Validate(options));
    }

    [Theory]
    [InlineData("http://music.search.windows.net")]
    [InlineData("music.search.windows.net")]
    [InlineData("https://music.search.windows.net/indexes")]
    public void Validation_RejectsEndpointsThatAreNotAnHttpsServiceUrl(string endpoint)
    {
        Assert.Equal([nameof(AzureSearchOptions.Endpoint)], Validate(new AzureSearchOptions { Endpoint = endpoint }));
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("double--dash")]
    [InlineData("-lead")]
    [InlineData("trail-")]
    [InlineData("dot.ted")]
    public void Validation_RejectsPrefixesThatBreakIndexNames(string prefix)
    {
        var options = new AzureSearchOptions { Endpoint = "https://music.search.windows.net", IndexPrefix = prefix };

        Assert.Equal([nameof(AzureSearchOptions.IndexPrefix)], Validate(options));
    }

    private static List<string> Validate(AzureSearchOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.SelectMany(r => r.MemberNames).ToList();
    }
}
