using AudioFunctions.Indexing;

namespace AudioFunctions.Tests.Indexing;

public sealed class SearchFilterTests
{
    private static readonly TrackFilterFields _fields = new(["Miles Davis", " John Coltrane "], "Kind of Blue", ["Jazz", "Modal"]);

    [Theory]
    [InlineData("miles davis", null, null, true)]
    [InlineData("  JOHN COLTRANE\t", null, null, true)]
    [InlineData("Bill Evans", null, null, false)]
    [InlineData("Miles", null, null, false)]
    [InlineData(null, "kind of blue ", null, true)]
    [InlineData(null, "Kind of", null, false)]
    [InlineData(null, null, "MODAL", true)]
    [InlineData(null, null, "Rock", false)]
    [InlineData("miles davis", "kind of blue", "jazz", true)]
    [InlineData("miles davis", "kind of blue", "rock", false)]
    [InlineData("", " ", "\t", true)]
    [InlineData(null, null, null, true)]
    public void Matches_ComparesFieldsCaseInsensitivelyAfterTrimming(string? artist, string? album, string? genre, bool expected)
    {
        var filter = new SearchFilter(new HashSet<string>(), artist, album, genre);

        Assert.Equal(expected, filter.Matches(_fields, "t"));
    }

    [Fact]
    public void Matches_RejectsExcludedIds_Ordinally()
    {
        var filter = SearchFilter.None with { ExcludeIds = new HashSet<string> { "t1" } };

        Assert.False(filter.Matches(_fields, "t1"));
        Assert.True(filter.Matches(_fields, "T1"));
        Assert.True(filter.Matches(_fields, "t2"));
    }

    [Fact]
    public void Matches_FailsAConstraint_WhenTheTrackLacksTheField()
    {
        var bare = new TrackFilterFields([], null, ["  "]);

        Assert.False(new SearchFilter(new HashSet<string>(), "Miles Davis", null, null).Matches(bare, "t"));
        Assert.False(new SearchFilter(new HashSet<string>(), null, "Kind of Blue", null).Matches(bare, "t"));
        Assert.False(new SearchFilter(new HashSet<string>(), null, null, "Jazz").Matches(bare, "t"));
        Assert.True(SearchFilter.None.Matches(bare, "t"));
    }
}
