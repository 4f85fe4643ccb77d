using AudioFunctions.Embedding;
using AudioFunctions.Tracks;

namespace AudioFunctions.Tests.Embedding;

public sealed class TrackTextTests
{
    [Fact]
    public void Render_JoinsNameArtistsAlbumAndGenresAsSentences()
    {
        var metadata = new TrackMetadata
        {
            Name = "Bohemian Rhapsody",
            Artists = ["Queen"],
            Album = "A Night at the Opera",
            Genres = ["Rock", "Progressive Rock"],
        };

        Assert.Equal("Bohemian Rhapsody. Queen. A Night at the Opera. Rock, Progressive Rock", TrackText.Render(metadata));
    }

    [Fact]
    public void Render_TrimsEntries_AndLeavesOutEmptyOnes()
    {
        var metadata = new TrackMetadata
        {
            Name = "  Under Pressure ",
            Artists = ["Queen", " ", "David Bowie "],
            Album = "",
            Genres = [],
        };

        Assert.Equal("Under Pressure. Queen, David Bowie", TrackText.Render(metadata));
    }

    [Fact]
    public void Render_GivesEmptyText_ForEmptyMetadata()
    {
        Assert.Equal("", TrackText.Render(TrackMetadata.Empty));
        Assert.Equal("Jazz", TrackText.Render(new TrackMetadata { Genres = ["Jazz"] }));
    }
}
