using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

public sealed class AzureSearchFilterTests
{
    [Fact]
    public void ToOData_NoConstraint_IsNull()
    {
        Assert.Null(AzureSearchFilter.ToOData(SearchFilter.None));
        Assert.Null(AzureSearchFilter.ToOData(new SearchFilter(new HashSet<string>(), " ", "", null)));
    }

    [Fact]
    public void ToOData_ExcludedIds_UseSearchInWithACommaWhenNoIdHoldsOne_SortedAndQuoted()
    {
        var filter = SearchFilter.None with { ExcludeIds = new HashSet<string> { "b", "O'Brien", "a" } };

        Assert.Equal("not search.in(trackId, 'O''Brien,a,b', ',')", AzureSearchFilter.ToOData(filter));
    }

    [Fact]
    public void ToOData_IdsWithCommas_PickTheFirstFreeDelimiter()
    {
        var filter = SearchFilter.None with { ExcludeIds = new HashSet<string> { "a,b", "c|d" } };

        Assert.Equal("not search.in(trackId, 'a,b;c|d', ';')", AzureSearchFilter.ToOData(filter));
    }

    [Fact]
    public void ToOData_IdsHoldingEveryDelimiter_FallBackToNeClauses()
    {
        var filter = SearchFilter.None with { ExcludeIds = new HashSet<string> { ",|;~^`\u001F", "x'y" } };

        Assert.Equal("(trackId ne ',|;~^`\u001F' and trackId ne 'x''y')", AzureSearchFilter.ToOData(filter));
        Assert.Equal("trackId ne ''", AzureSearchFilter.ToOData(SearchFilter.None with { ExcludeIds = new HashSet<string> { "" } }));
    }

    [Fact]
    public void ToOData_MetadataValues_CompareNormalisedCopies()
    {
        var filter = new SearchFilter(new HashSet<string>(), "  Bj\u00f6rk's Band ", "ok computer", "Trip-Hop");

        Assert.Equal(
            "artistsKey/any(a: a eq 'BJ\u00d6RK''S BAND') and albumKey eq 'OK COMPUTER' and genresKey/any(g: g eq 'TRIP-HOP')",
            AzureSearchFilter.ToOData(filter));
    }

    [Theory]
    [InlineData("Miles", " miles ", true)]
    [InlineData("stra\u00dfe", "STRA\u00dfE", true)]
    [InlineData("\u00e9t\u00e9", "\u00c9T\u00c9", true)]
    [InlineData("Miles", "Mile", false)]
    // The Kelvin sign lower-cases to 'k' but upper-cases to itself: lower-cased keys would match where the filter does not.
    [InlineData("\u212a", "k", false)]
    public void FilterKey_EqualExactly_WhenTheFilterCallsValuesEqual(string stored, string wanted, bool equal)
    {
        var reference = SearchFilter.None with { Artist = wanted };

        Assert.Equal(equal, reference.Matches(new TrackFilterFields([stored], null, []), "t"));
        Assert.Equal(equal, AzureSearchIndexDefinition.FilterKey(stored) == AzureSearchIndexDefinition.FilterKey(wanted));
    }

    [Fact]
    public void TrackIdLookups_NameAtMostABatchOfIds_EachInOneFilter()
    {
        var ids = Enumerable.Range(0, 1001).Select(i => $"t{i:D4}").Reverse().ToList();

        var filters = AzureSearchFilter.TrackIdLookups(ids, 500).ToList();

        Assert.Equal(3, filters.Count);
        Assert.Equal("search.in(trackId, '" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"t{i:D4}")) + "', ',')", filters[0]);
        Assert.Equal("search.in(trackId, 't1000', ',')", filters[2]);
    }

    [Fact]
    public void TrackIdLookups_IdsWithDelimiters_ShareTheDelimiterMostIdsLack_AndIdsHoldingEveryOneAreLookedUpAlone()
    {
        var every = "a,|;~^`\u001Fz";

        var filters = AzureSearchFilter.TrackIdLookups(["x,1", "y", "O'Brien", every, ""], 500).ToList();

        Assert.Equal(
            [
                "trackId eq ''",
                "trackId eq 'a,|;~^`\u001Fz'",
                "search.in(trackId, 'O''Brien|x,1|y', '|')",
            ],
            filters);
    }
}
