using AudioFunctions.Indexing;
using AudioFunctions.Tracks;

namespace AudioFunctions.Tests.Indexing;

public sealed class TrackFilterFieldsTests
{
    [Fact]
    public void From_CopiesTheMetadataLists_SoLaterChangesDoNotReachTheIndex()
    {
        var artists = new List<string> { "Miles Davis" };
        var metadata = new TrackMetadata { Name = "So What", Artists = artists, Album = "Kind of Blue", Genres = ["Jazz"] };

        var fields = TrackFilterFields.From(metadata);
        artists.Add("Later Addition");

        Assert.Equal(["Miles Davis"], fields.Artists);
        Assert.Equal("Kind of Blue", fields.Album);
        Assert.Equal(["Jazz"], fields.Genres);
    }
}
