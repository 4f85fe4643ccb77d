using System.Net;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using static AudioFunctions.Tests.Search.SearchApiData;

namespace AudioFunctions.Tests.Search;

/// <summary>
/// Search filters (reference 000, Flow 2: <c>filter</c> with <c>exclude_ids</c>, <c>artist</c>, <c>album</c>,
/// <c>genre</c>) applied inside the search, in both collections: a search answers <c>limit</c> results whenever
/// that many tracks match, and they are the best-scoring matching tracks. The oracle is the unfiltered ranking of
/// the whole library (limit 1000) cut down to the tracks each filter should keep.
/// </summary>
public sealed class SearchApiFilterTests(AppFixture fixture) : SearchApiFilterTests<AppFixture>(fixture);

/// <summary>The same tests on the exact embedded index.</summary>
public sealed class SearchApiFilterTestsOnExactIndex(ExactIndexAppFixture fixture) : SearchApiFilterTests<ExactIndexAppFixture>(fixture);

/// <summary>The same tests with every search and filter going through the graph walk.</summary>
public sealed class SearchApiFilterTestsOnGraphWalk(GraphWalkAppFixture fixture) : SearchApiFilterTests<GraphWalkAppFixture>(fixture);

/// <summary>The same tests with search in Azure AI Search, reached through its documented protocol.</summary>
public sealed class SearchApiFilterTestsOnAzureSearch(AzureSearchAppFixture fixture) : SearchApiFilterTests<AzureSearchAppFixture>(fixture);

public abstract class SearchApiFilterTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : AppFixture
{
    private const string TextQuery = "Queen rock greatest hits love";

    /// <summary>
    /// The library: 12 tracks by 3 artists (t11 is by Daft Punk and Queen), on 3 albums, in 3 genres (t03 is Rock
    /// and Electronic), each played by a different synthetic instrument.
    /// </summary>
    private static readonly (string Name, string[] Artists, string Album, string[] Genres, InstrumentFamily Family, int Variant)[] Specs =
    [
        /* t00 */ ("Bohemian Rhapsody", ["Queen"], "Greatest Hits", ["Rock"], InstrumentFamily.BrightSaw, 0),
        /* t01 */ ("Somebody to Love", ["Queen"], "Greatest Hits", ["Rock"], InstrumentFamily.BrightSaw, 1),
        /* t02 */ ("Radio Ga Ga", ["Queen"], "Night Sessions", ["Rock", "Electronic"], InstrumentFamily.VibratoSquare, 0),
        /* t03 */ ("Love of My Life", ["Queen"], "Night Sessions", ["Rock"], InstrumentFamily.Flute, 0),
        /* t04 */ ("Feeling Good", ["Nina Simone"], "Night Sessions", ["Jazz"], InstrumentFamily.Flute, 1),
        /* t05 */ ("Sinnerman", ["Nina Simone"], "Greatest Hits", ["Jazz"], InstrumentFamily.PluckedString, 0),
        /* t06 */ ("My Baby Just Cares for Me", ["Nina Simone"], "Greatest Hits", ["Jazz"], InstrumentFamily.PluckedString, 1),
        /* t07 */ ("Wild Is the Wind", ["Nina Simone"], "Night Sessions", ["Jazz"], InstrumentFamily.Flute, 2),
        /* t08 */ ("Around the World", ["Daft Punk"], "Discovery", ["Electronic"], InstrumentFamily.NoisePercussion, 0),
        /* t09 */ ("One More Time", ["Daft Punk"], "Discovery", ["Electronic"], InstrumentFamily.NoisePercussion, 1),
        /* t10 */ ("Digital Love (Queen Remix)", ["Daft Punk", "Queen"], "Greatest Hits", ["Electronic"], InstrumentFamily.VibratoSquare, 1),
        /* t11 */ ("Harder Better Faster Stronger", ["Daft Punk"], "Night Sessions", ["Electronic"], InstrumentFamily.VibratoSquare, 2),
    ];

    private static readonly int[] Queen = [0, 1, 2, 3, 10];
    private static readonly int[] Nina = [4, 5, 6, 7];
    private static readonly int[] DaftPunk = [8, 9, 10, 11];
    private static readonly int[] GreatestHits = [0, 1, 5, 6, 10];
    private static readonly int[] NightSessions = [2, 3, 4, 7, 11];
    private static readonly int[] Discovery = [8, 9];
    private static readonly int[] Rock = [0, 1, 2, 3];
    private static readonly int[] Jazz = [4, 5, 6, 7];
    private static readonly int[] Electronic = [2, 8, 9, 10, 11];
    private static readonly int[] All = [.. Enumerable.Range(0, 12)];

    /// <summary>A filter and the tracks (indexes into <see cref="Specs"/>) it keeps.</summary>
    private sealed record FilterCase(int[] Keeps, int[]? Exclude = null, string? Artist = null, string? Album = null, string? Genre = null);

    private static readonly Dictionary<string, FilterCase> Cases = new()
    {
        ["artist Queen"] = new(Queen, Artist: "Queen"),
        ["artist padded lower case"] = new(Queen, Artist: "  queen "),
        ["artist upper case"] = new(Queen, Artist: "QUEEN"),
        ["artist Nina Simone"] = new(Nina, Artist: "nina simone"),
        ["artist Daft Punk"] = new(DaftPunk, Artist: "Daft Punk"),
        ["album Greatest Hits"] = new(GreatestHits, Album: "Greatest Hits"),
        ["album padded mixed case"] = new(NightSessions, Album: "\tnight SESSIONS  "),
        ["album Discovery (two tracks)"] = new(Discovery, Album: "Discovery"),
        ["genre Rock"] = new(Rock, Genre: "rock"),
        ["genre Jazz"] = new(Jazz, Genre: " Jazz"),
        ["genre Electronic (also a second genre)"] = new(Electronic, Genre: "ELECTRONIC"),
        ["artist and genre (two tracks)"] = new([2, 10], Artist: "queen", Genre: "electronic"),
        ["artist and album (two tracks)"] = new([5, 6], Artist: "Nina Simone", Album: "Greatest Hits"),
        ["artist, album and genre (one track)"] = new([11], Artist: "Daft Punk", Album: "Night Sessions", Genre: "Electronic"),
        ["artist with exclude_ids"] = new([1, 2, 3], Exclude: [0, 10], Artist: "Queen"),
        ["genre with exclude_ids"] = new([2, 10, 11], Exclude: [8, 9, 4], Genre: "Electronic"),
        ["album and genre with exclude_ids"] = new([0], Exclude: [1], Album: "Greatest Hits", Genre: "Rock"),
        ["unknown artist"] = new([], Artist: "Nobody"),
        ["unknown genre"] = new([], Genre: "Polka"),
        ["artist and genre that never meet"] = new([], Artist: "Nina Simone", Genre: "Electronic"),
        ["genre value given as artist"] = new([], Artist: "Rock"),
        ["album value given as genre"] = new([], Genre: "Discovery"),
        ["artist as a part of a name"] = new([], Artist: "Daft"),
        ["everything excluded by a filter and exclude_ids"] = new([], Exclude: [8, 9], Album: "Discovery"),
        ["blank values constrain nothing"] = new(All, Artist: "   ", Album: "", Genre: " "),
    };

    public static TheoryData<string, string> CollectionsAndCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var collection in new[] { "text", "audio" })
            foreach (var name in Cases.Keys)
                data.Add(collection, name);
        return data;
    }

    public static TheoryData<BodyFormat, string> FormatsAndCollections()
    {
        var data = new TheoryData<BodyFormat, string>();
        foreach (var format in new[] { BodyFormat.Json, BodyFormat.MsgPack })
            foreach (var collection in new[] { "text", "audio" })
                data.Add(format, collection);
        return data;
    }

    private sealed record Library(SearchTrack[] Tracks)
    {
        public string Id(int index) => Tracks[index].TrackId;

        public string[] Ids(IEnumerable<int> indexes) => [.. indexes.Select(Id)];
    }

    private Task<Library> LibraryAsync() => Once(fixture, StreamLibraryAsync);

    private static async Task<Library> StreamLibraryAsync(AppInstance app)
    {
        var run = NewRunId();
        var tracks = Specs.Select((s, i) => new SearchTrack($"sf-{run}-t{i:D2}", s.Name, s.Artists, s.Album, s.Genres, s.Family, s.Variant)).ToArray();
        await StreamAllAsync(app, tracks);
        return new Library(tracks);
    }

    private StreamApiClient Client(BodyFormat format = BodyFormat.MsgPack) => new(fixture.App.Client, format);

    /// <summary>The query of a collection: a text's embedding for <c>text</c>, a track's audio embedding for <c>audio</c>.</summary>
    private async Task<WireValue> QueryAsync(StreamApiClient client, Library library, string collection)
    {
        if (collection == "text")
            return (await client.PostAsync(EmbedTextPath, WireValue.Map(("text", WireValue.String(TextQuery))))).AssertStatus(HttpStatusCode.OK).Field("embedding");
        return (await client.SendAsync(HttpMethod.Get, TrackPath(library.Id(4), includeAudio: true))).AssertStatus(HttpStatusCode.OK).Field("audio_embedding");
    }

    /// <summary>The whole library ranked for <paramref name="query"/>, without a filter.</summary>
    private static async Task<IReadOnlyList<SearchResult>> RankingAsync(StreamApiClient client, Library library, string collection, WireValue query)
    {
        var ranking = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 1000)));
        Assert.Equal(library.Tracks.Length, ranking.Count);
        Assert.Equal(library.Tracks.Select(t => t.TrackId).Order(StringComparer.Ordinal), ranking.Select(r => r.TrackId).Order(StringComparer.Ordinal));
        return ranking;
    }

    private static WireValue FilterOf(Library library, FilterCase filter) =>
        Filter(filter.Exclude is null ? null : library.Ids(filter.Exclude), filter.Artist, filter.Album, filter.Genre);

    // ================================================================ the filter table

    [Theory]
    [MemberData(nameof(CollectionsAndCases))]
    public async Task Filter_KeepsExactlyTheMatchingTracks_BestFirst_UpToTheLimit(string collection, string caseName)
    {
        var library = await LibraryAsync();
        var client = Client();
        var query = await QueryAsync(client, library, collection);
        var ranking = await RankingAsync(client, library, collection, query);
        var filterCase = Cases[caseName];
        var keeps = library.Ids(filterCase.Keeps).ToHashSet(StringComparer.Ordinal);
        var expected = ranking.Where(r => keeps.Contains(r.TrackId)).ToArray();
        Assert.Equal(filterCase.Keeps.Length, expected.Length);

        foreach (var limit in new[] { 1000, 10, 2, 1 })
        {
            var results = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, limit, FilterOf(library, filterCase))));

            var wanted = expected.Take(limit).ToArray();
            Assert.True(wanted.Length == results.Count,
                $"limit {limit}: expected {wanted.Length} results [{string.Join(", ", Ids(wanted))}] but got {results.Count} [{string.Join(", ", Ids(results))}]");
            Assert.Equal(Ids(wanted), Ids(results));
            Assert.Equal(wanted.Select(r => r.Score), results.Select(r => r.Score));
            foreach (var result in results)
                AssertMetadataOf(library, result);
        }
    }

    // ================================================================ exclude_ids

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task ExcludeIds_RemovesExactlyThoseTracks_AndStillFillsTheLimit(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);
        var ranking = await RankingAsync(client, library, collection, query);
        // The five best-ranked tracks: a search that filtered after taking the top `limit` would come back short.
        var excluded = Ids(ranking.Take(5));

        var results = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 7, Filter(excludeIds: excluded))));

        Assert.Equal(7, results.Count);
        Assert.Empty(Ids(results).Intersect(excluded));
        Assert.Equal(Ids(ranking.Skip(5)), Ids(results));
    }

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task ExcludeIds_IgnoresUnknownAndRepeatedIds_AndComparesIdsExactly(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);
        var ranking = await RankingAsync(client, library, collection, query);
        var first = ranking[0].TrackId;
        var second = ranking[1].TrackId;
        string[] excluded = ["no-such-track", first, first, second.ToUpperInvariant(), " " + second, "x"];

        var results = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 11, Filter(excludeIds: excluded))));

        // Only `first` is excluded; `second` differs from every excluded id by case or a space.
        Assert.Equal(11, results.Count);
        Assert.Equal(Ids(ranking.Skip(1)), Ids(results));
    }

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task ExcludeIds_OfEveryTrack_GivesNoResults(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);

        var response = await client.PostAsync(SearchPath, SearchBody(collection, query, 10, Filter(excludeIds: library.Tracks.Select(t => t.TrackId))));

        Assert.Empty(Results(response));
        Assert.Equal(0, response.Integer("count"));
        Assert.Equal(WireKind.Array, response.Field("results").Kind);
    }

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task EmptyFilter_AndEmptyExcludeIds_ChangeNothing(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);
        var ranking = await RankingAsync(client, library, collection, query);

        var empty = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 6, WireValue.Map())));
        var noIds = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 6, Filter(excludeIds: []))));
        var nils = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 6, WireValue.Map(
            ("exclude_ids", WireValue.Nil), ("artist", WireValue.Nil), ("album", WireValue.Nil), ("genre", WireValue.Nil)))));

        Assert.Equal(Ids(ranking.Take(6)), Ids(empty));
        Assert.Equal(Ids(ranking.Take(6)), Ids(noIds));
        Assert.Equal(Ids(ranking.Take(6)), Ids(nils));
    }

    // ================================================================ the two exactly-sized cases, spelled out

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task FilterMatchingTwoTracks_WithLimit10_ReturnsExactlyThoseTwo(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);

        var response = await client.PostAsync(SearchPath, SearchBody(collection, query, 10, Filter(album: "Discovery")));

        var results = Results(response);
        Assert.Equal(2, response.Integer("count"));
        Assert.Equal(library.Ids([8, 9]).Order(StringComparer.Ordinal), Ids(results).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal("Discovery", r.Metadata.TryGetProperty("album", out var album) ? album.AsString() : null));
    }

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task FilterMatchingNothing_ReturnsEmptyResults_AndCount0(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);

        foreach (var filter in new[] { Filter(artist: "Nobody At All"), Filter(artist: "Nina Simone", genre: "Rock") })
        {
            var response = await client.PostAsync(SearchPath, SearchBody(collection, query, 10, filter));

            response.AssertStatus(HttpStatusCode.OK);
            Assert.Empty(response.Field("results").AsArray());
            Assert.Equal(0, response.Integer("count"));
        }
    }

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task ArtistFilter_MatchesATrackOnItsSecondArtist(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);

        var results = Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 10, Filter(excludeIds: library.Ids([0, 1, 2, 3]), artist: "  queen "))));

        var only = Assert.Single(results);
        Assert.Equal(library.Id(10), only.TrackId);
        Assert.True(only.Metadata.TryGetProperty("artists", out var artists));
        Assert.Equal(["Daft Punk", "Queen"], artists.AsArray().Select(a => a.AsString()));
    }

    // ================================================================ results

    [Theory]
    [MemberData(nameof(FormatsAndCollections))]
    public async Task Results_AreSortedByScore_WithCountTrackIdScoreAndMetadata(BodyFormat format, string collection)
    {
        var library = await LibraryAsync();
        var client = Client(format);
        var query = await QueryAsync(client, library, collection);

        var response = await client.PostAsync(SearchPath, SearchBody(collection, query, 12, Filter(genre: "Electronic")));

        var results = Results(response); // checks sorting, count, score range, track_id and metadata.name
        Assert.Equal(Electronic.Length, response.Integer("count"));
        Assert.Equal(library.Ids(Electronic).Order(StringComparer.Ordinal), Ids(results).Order(StringComparer.Ordinal));
        foreach (var result in results)
            AssertMetadataOf(library, result);
        Assert.True(results[0].Score > results[^1].Score, "every score is the same: the query ranks nothing");
    }

    [Fact]
    public async Task OwnAudioEmbedding_FindsTheTrackFirst_WithScoreAtLeast0999_UnlessExcluded()
    {
        var library = await LibraryAsync();
        var client = Client();

        foreach (var track in library.Tracks)
        {
            var embedding = (await client.SendAsync(HttpMethod.Get, TrackPath(track.TrackId, includeAudio: true))).AssertStatus(HttpStatusCode.OK).Field("audio_embedding");

            var plain = Results(await client.PostAsync(SearchPath, SearchBody("audio", embedding, 3)));
            var byAlbum = Results(await client.PostAsync(SearchPath, SearchBody("audio", embedding, 3, Filter(album: track.Album.ToUpperInvariant(), excludeIds: ["someone-else"]))));
            var excluded = Results(await client.PostAsync(SearchPath, SearchBody("audio", embedding, 3, Filter(excludeIds: [track.TrackId]))));

            Assert.Equal(track.TrackId, plain[0].TrackId);
            Assert.True(plain[0].Score >= 0.999, $"{track.TrackId} scores {plain[0].Score} against itself");
            Assert.Equal(track.TrackId, byAlbum[0].TrackId);
            Assert.True(byAlbum[0].Score >= 0.999, $"{track.TrackId} scores {byAlbum[0].Score} against itself with an album filter");
            Assert.Equal(3, excluded.Count);
            Assert.DoesNotContain(track.TrackId, Ids(excluded));
            Assert.True(excluded[0].Score < 0.999, $"{excluded[0].TrackId} scores {excluded[0].Score} against {track.TrackId}: two tracks have the same audio");
        }
    }

    private static void AssertMetadataOf(Library library, SearchResult result)
    {
        var track = library.Tracks.Single(t => t.TrackId == result.TrackId);
        var metadata = result.Metadata;
        Assert.True(metadata.TryGetProperty("name", out var name), $"no name: {metadata}");
        Assert.True(metadata.TryGetProperty("artists", out var artists), $"no artists: {metadata}");
        Assert.True(metadata.TryGetProperty("album", out var album), $"no album: {metadata}");
        Assert.True(metadata.TryGetProperty("genres", out var genres), $"no genres: {metadata}");
        Assert.Equal(track.Name, name.AsString());
        Assert.Equal(track.Artists, artists.AsArray().Select(a => a.AsString()));
        Assert.Equal(track.Album, album.AsString());
        Assert.Equal(track.Genres, genres.AsArray().Select(g => g.AsString()));
    }
}
