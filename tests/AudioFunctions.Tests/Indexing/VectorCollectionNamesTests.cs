using AudioFunctions.Indexing;

namespace AudioFunctions.Tests.Indexing;

public sealed class VectorCollectionNamesTests
{
    [Theory]
    [InlineData(VectorCollection.Text, "text")]
    [InlineData(VectorCollection.Audio, "audio")]
    public void WireName_RoundTrips(VectorCollection collection, string name)
    {
        Assert.Equal(name, collection.ToWireName());
        Assert.True(VectorCollectionNames.TryParse(name, out var parsed));
        Assert.Equal(collection, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Audio")]
    [InlineData(" text")]
    [InlineData("image")]
    public void TryParse_Fails_ForAnythingButTheExactWireNames(string? name) =>
        Assert.False(VectorCollectionNames.TryParse(name, out _));
}
