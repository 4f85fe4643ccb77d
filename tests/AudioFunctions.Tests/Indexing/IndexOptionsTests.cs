using AudioFunctions.Indexing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AudioFunctions.Tests.Infrastructure.CoreServices;

namespace AudioFunctions.Tests.Indexing;

/// <summary>The <c>INDEX</c> section's choice of index and graph settings, as the core binds and validates them.</summary>
public sealed class IndexOptionsTests
{
    [Fact]
    public void TheDefault_IsTheGraphIndex_WithTheReferenceParameters()
    {
        using var services = Resolve();
        var options = services.GetRequiredService<IOptions<IndexOptions>>().Value;

        var index = Assert.IsType<HnswVectorIndex>(options.CreateVectorIndex());
        Assert.Equal(new HnswSettings(M: 16, EfConstruction: 128, EfSearch: 64), index.Settings);
    }

    [Fact]
    public void Settings_ChooseTheKind_AndTheGraphParameters()
    {
        using var exact = Resolve(("INDEX:KIND", "exact"));
        Assert.IsType<ExactVectorIndex>(exact.GetRequiredService<IOptions<IndexOptions>>().Value.CreateVectorIndex());

        using var tuned = Resolve(("INDEX:HNSW_M", "24"), ("INDEX:HNSW_EF_CONSTRUCTION", "200"), ("INDEX:HNSW_EF_SEARCH", "128"),
            ("INDEX:HNSW_QUANTIZATION", "int8"), ("INDEX:HNSW_EXACT_BELOW", "500"), ("INDEX:HNSW_FILTERED_EXACT_BELOW", "7000"));
        var index = Assert.IsType<HnswVectorIndex>(tuned.GetRequiredService<IOptions<IndexOptions>>().Value.CreateVectorIndex());
        Assert.Equal(new HnswSettings(24, 200, 128, HnswQuantization.Int8, 500, 7000), index.Settings);
    }

    [Theory]
    [InlineData("INDEX:KIND", "faiss", "Kind")]
    [InlineData("INDEX:HNSW_M", "1", "HnswM")]
    [InlineData("INDEX:HNSW_EF_SEARCH", "0", "HnswEfSearch")]
    [InlineData("INDEX:HNSW_QUANTIZATION", "f16", "HnswQuantization")]
    [InlineData("INDEX:HNSW_EXACT_BELOW", "-1", "HnswExactBelow")]
    public void Options_FailValidation_ForValuesTheIndexCannotUse(string key, string value, string member)
    {
        using var services = Resolve((key, value));

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<IndexOptions>>().Value);
        Assert.Contains(member, exception.Message);
    }
}
