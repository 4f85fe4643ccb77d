using AudioFunctions.Indexing.AzureSearch;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

public sealed class AzureSearchScoreTests
{
    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 0.0)]
    [InlineData(1.0 / 3.0, -1.0)]
    [InlineData(0.8, 0.75)]
    public void ToCosine_InvertsTheDocumentedScore(double score, double cosine)
    {
        Assert.Equal(cosine, AzureSearchScore.ToCosine(score), 12);
        Assert.Equal(score, AzureSearchScore.FromCosine(cosine), 12);
    }

    [Fact]
    public void Score_FallsAsCosineFalls()
    {
        var previous = double.MaxValue;
        for (var cosine = 1.0; cosine >= -1.0; cosine -= 0.125)
        {
            var score = AzureSearchScore.FromCosine(cosine);
            Assert.True(score < previous);
            previous = score;
        }
    }
}
