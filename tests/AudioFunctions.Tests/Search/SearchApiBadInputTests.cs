using System.Net;
using System.Net.Http.Headers;
using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using Microsoft.Extensions.DependencyInjection;
using static AudioFunctions.Tests.Search.SearchApiData;

namespace AudioFunctions.Tests.Search;

/// <summary>
/// Reference 000, Flow 2 with bad and edge input: <c>POST /api/v1/embed/text</c>, <c>POST /api/v1/tracks/search</c>
/// and <c>GET /api/v1/tracks/{id}</c>, in JSON and msgpack. One app per class, with a small library (12 plain
/// tracks and two with special-character ids) streamed once, on first use.
/// </summary>
public sealed class SearchApiBadInputTests(AppFixture fixture) : SearchApiBadInputTests<AppFixture>(fixture);

/// <summary>The same tests with search in Azure AI Search, reached through its documented protocol.</summary>
public sealed class SearchApiBadInputTestsOnAzureSearch(AzureSearchAppFixture fixture) : SearchApiBadInputTests<AzureSearchAppFixture>(fixture);

public abstract class SearchApiBadInputTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : AppFixture
{
    private const int PlainTracks = 12;
    private const int AllTracks = PlainTracks + 2;

    public static TheoryData<BodyFormat> BothFormats() => new(BodyFormat.Json, BodyFormat.MsgPack);

    /// <summary>Each of the '|'-separated <paramref name="values"/> once for each body format.</summary>
    public static TheoryData<BodyFormat, string> CrossBoth(string values)
    {
        var data = new TheoryData<BodyFormat, string>();
        foreach (var format in new[] { BodyFormat.Json, BodyFormat.MsgPack })
            foreach (var value in values.Split('|'))
                data.Add(format, value);
        return data;
    }

    private sealed record Library(string Run, SearchTrack[] Tracks, SearchTrack Spotify, SearchTrack Special);

    private Task<Library> LibraryAsync() => Once(fixture, StreamLibraryAsync);

    private static async Task<Library> StreamLibraryAsync(AppInstance app)
    {
        var run = NewRunId();
        var families = Enum.GetValues<InstrumentFamily>();
        var tracks = Enumerable.Range(0, PlainTracks)
            .Select(i => new SearchTrack($"sbi-{run}-{i:D2}", $"Song {i}", [$"Artist {i % 3}"], $"Album {i % 4}", [$"Genre {i % 2}"],
                families[i % families.Length], i / families.Length))
            .ToArray();
        var spotify = new SearchTrack($"spotify:track:abc123-{run}", "Bohemian Rhapsody", ["Queen", "Freddie Mercury"], "A Night at the Opera",
            ["Rock", "Progressive Rock"], InstrumentFamily.PluckedString, 4);
        var special = new SearchTrack($"café & co+ (live) @{run}", "Café Song", ["Zoë"], "Ça va", ["Chanson"], InstrumentFamily.Flute, 5);
        await StreamAllAsync(app, [.. tracks, spotify, special]);
        return new Library(run, tracks, spotify, special);
    }

    private StreamApiClient Client(BodyFormat format = BodyFormat.MsgPack) => new(fixture.App.Client, format);

    private static WireValue ValidEmbedding => Floats(UnitVector(Dimensions));

    // ================================================================ embed/text

    [Theory]
    [MemberData(nameof(CrossBoth), "empty map|only other fields|text nil|metadata nil")]
    public async Task EmbedText_Returns400InvalidRequest_WhenNeitherTextNorMetadata(BodyFormat format, string body)
    {
        var value = body switch
        {
            "empty map" => WireValue.Map(),
            "only other fields" => WireValue.Map(("query", WireValue.String("upbeat electronic dance music"))),
            "text nil" => WireValue.Map(("text", WireValue.Nil)),
            _ => WireValue.Map(("metadata", WireValue.Nil)),
        };

        var response = await Client(format).PostAsync(EmbedTextPath, value);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "either text or metadata");
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task EmbedText_Returns400InvalidRequest_WhenBothTextAndMetadata(BodyFormat format)
    {
        var response = await Client(format).PostAsync(EmbedTextPath, WireValue.Map(
            ("text", WireValue.String("upbeat electronic dance music")),
            ("metadata", StreamApiClient.Metadata("Song", "Artist"))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "either text or metadata");
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task EmbedText_Returns400InvalidRequest_WhenBodyIsEmptyOrNotAMap(BodyFormat format)
    {
        var client = Client(format);

        (await client.PostRawAsync(EmbedTextPath, [], MediaTypes.ContentTypeOf(format)))
            .AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "needs a body");
        (await client.PostAsync(EmbedTextPath, WireValue.String("upbeat")))
            .AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "must be a map");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "| |   \t\n  ")]
    public async Task EmbedText_Returns400InvalidField_WhenTextIsEmptyOrWhitespace(BodyFormat format, string text)
    {
        var response = await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("text", WireValue.String(text))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "text must not be empty");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "integer|float|boolean|list|map")]
    public async Task EmbedText_Returns400InvalidField_WhenTextIsNotAString(BodyFormat format, string kind)
    {
        var response = await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("text", NotAString(kind))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "text must be a string");
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task EmbedText_Returns400InvalidField_WhenTextIsLongerThan10000Characters(BodyFormat format)
    {
        var client = Client(format);
        var limit = new string('a', 9_995) + " song";

        (await client.PostAsync(EmbedTextPath, WireValue.Map(("text", WireValue.String(limit + "s")))))
            .AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "at most 10000 characters");
        // Exactly 10,000 characters is accepted.
        var accepted = (await client.PostAsync(EmbedTextPath, WireValue.Map(("text", WireValue.String(limit))))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(10_000, accepted.String("text").Length);
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "empty map|blank name|empty lists")]
    public async Task EmbedText_Returns400InvalidField_WhenMetadataHoldsNoText(BodyFormat format, string kind)
    {
        var metadata = kind switch
        {
            "empty map" => WireValue.Map(),
            "blank name" => WireValue.Map(("name", WireValue.String("   ")), ("album", WireValue.String(""))),
            _ => WireValue.Map(("artists", WireValue.Array([])), ("genres", WireValue.Array([]))),
        };

        var response = await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("metadata", metadata)));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "metadata holds no text");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "string|list|integer")]
    public async Task EmbedText_Returns400InvalidField_WhenMetadataIsNotAMap(BodyFormat format, string kind)
    {
        var metadata = kind switch
        {
            "string" => WireValue.String("Bohemian Rhapsody"),
            "list" => Strings(["Bohemian Rhapsody"]),
            _ => WireValue.Integer(1),
        };

        var response = await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("metadata", metadata)));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "metadata must be a map");
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task EmbedText_Returns400InvalidField_WhenAMetadataFieldHasTheWrongType(BodyFormat format)
    {
        var response = await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("metadata", WireValue.Map(
            ("name", WireValue.String("Song")), ("artists", WireValue.String("Queen"))))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "metadata.artists must be a list of strings");
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task EmbedText_Returns200WithAUnitEmbedding_TheTextAndTheSpace(BodyFormat format)
    {
        const string text = "upbeat electronic dance music";

        var response = (await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("text", WireValue.String(text))))).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(MediaTypes.ContentTypeOf(format), response.ContentType);
        var embedding = AssertUnitVector(response.Field("embedding"));
        Assert.Equal(text, response.String("text"));
        var space = fixture.App.Services.GetRequiredService<AudioFunctions.Spaces.ActiveSpaces>().Current.Active(AudioFunctions.Indexing.VectorCollection.Text)!;
        Assert.Equal(space.Id, response.String("space"));
        Assert.Equal(Dimensions, space.Dimensions);
        // Deterministic: the same text gives the same vector.
        var again = (await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("text", WireValue.String(text))))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(embedding, ToFloats(again.Field("embedding")));
    }

    [Fact]
    public async Task EmbedText_GivesTheSameEmbedding_InJsonAndMsgPack()
    {
        var body = WireValue.Map(("text", WireValue.String("Don't Stop Me Now — Queen, Jazz (1978)")));

        var json = ToFloats((await Client(BodyFormat.Json).PostAsync(EmbedTextPath, body)).AssertStatus(HttpStatusCode.OK).Field("embedding"));
        var msgpack = ToFloats((await Client(BodyFormat.MsgPack).PostAsync(EmbedTextPath, body)).AssertStatus(HttpStatusCode.OK).Field("embedding"));

        Assert.Equal(msgpack, json);
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task EmbedText_RendersMetadataAsNameArtistsAlbumGenres_AndEmbedsThatText(BodyFormat format)
    {
        var client = Client(format);
        var metadata = WireValue.Map(
            ("name", WireValue.String("  Bohemian Rhapsody ")),
            ("artists", Strings(["Queen", " Freddie Mercury "])),
            ("album", WireValue.String("A Night at the Opera")),
            ("genres", Strings(["Rock", "Progressive Rock"])));
        const string rendered = "Bohemian Rhapsody. Queen, Freddie Mercury. A Night at the Opera. Rock, Progressive Rock";

        var byMetadata = (await client.PostAsync(EmbedTextPath, WireValue.Map(("metadata", metadata)))).AssertStatus(HttpStatusCode.OK);
        var byText = (await client.PostAsync(EmbedTextPath, WireValue.Map(("text", WireValue.String(rendered))))).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(rendered, byMetadata.String("text"));
        Assert.Equal(byText.String("space"), byMetadata.String("space"));
        Assert.Equal(ToFloats(byText.Field("embedding")), AssertUnitVector(byMetadata.Field("embedding")));
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task EmbedText_RendersPartialMetadata_LeavingOutAbsentParts(BodyFormat format)
    {
        var metadata = WireValue.Map(("artists", Strings(["Queen"])), ("genres", Strings(["Rock", "Glam Rock"])));

        var response = (await Client(format).PostAsync(EmbedTextPath, WireValue.Map(("metadata", metadata)))).AssertStatus(HttpStatusCode.OK);

        Assert.Equal("Queen. Rock, Glam Rock", response.String("text"));
        AssertUnitVector(response.Field("embedding"));
    }

    // ================================================================ tracks/search: collection and body

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task Search_Returns400InvalidRequest_WhenBodyIsEmptyOrNotAMap(BodyFormat format)
    {
        var client = Client(format);

        (await client.PostRawAsync(SearchPath, [], MediaTypes.ContentTypeOf(format)))
            .AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "needs a body");
        (await client.PostAsync(SearchPath, ValidEmbedding))
            .AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "must be a map");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "absent|nil")]
    public async Task Search_Returns400MissingField_WhenCollectionIsMissing(BodyFormat format, string kind)
    {
        var fields = new List<KeyValuePair<string, WireValue>> { new("embedding", ValidEmbedding), new("limit", WireValue.Integer(5)) };
        if (kind == "nil")
            fields.Add(new("collection", WireValue.Nil));

        var response = await Client(format).PostAsync(SearchPath, WireValue.Map(fields));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MissingField, "collection is required");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "video|tracks|texts")]
    public async Task Search_Returns400UnknownCollection_NamingTextAndAudio(BodyFormat format, string collection)
    {
        var response = await Client(format).PostAsync(SearchPath, SearchBody(collection, ValidEmbedding, 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.UnknownCollection, $"'{collection}'");
        var detail = response.String("detail");
        Assert.Contains("text", detail.Replace($"'{collection}'", ""), StringComparison.Ordinal);
        Assert.Contains("audio", detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "integer|list|map")]
    public async Task Search_Returns400InvalidField_WhenCollectionIsNotAString(BodyFormat format, string kind)
    {
        var body = WireValue.Map(("collection", NotAString(kind)), ("embedding", ValidEmbedding));

        var response = await Client(format).PostAsync(SearchPath, body);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "collection must be a string");
    }

    // ================================================================ tracks/search: embedding

    [Theory]
    [MemberData(nameof(CrossBoth), "absent|nil")]
    public async Task Search_Returns400MissingField_WhenEmbeddingIsMissing(BodyFormat format, string kind)
    {
        var fields = new List<KeyValuePair<string, WireValue>> { new("collection", WireValue.String("text")), new("limit", WireValue.Integer(5)) };
        if (kind == "nil")
            fields.Add(new("embedding", WireValue.Nil));

        var response = await Client(format).PostAsync(SearchPath, WireValue.Map(fields));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MissingField, "embedding is required");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "string|integer|float|boolean|map")]
    public async Task Search_Returns400InvalidEmbedding_WhenEmbeddingIsNotAList(BodyFormat format, string kind)
    {
        var response = await Client(format).PostAsync(SearchPath, SearchBody("audio", NotAList(kind), 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidEmbedding, "embedding must be a list of numbers");
    }

    [Fact]
    public async Task Search_Returns400InvalidEmbedding_WhenEmbeddingIsBinary()
    {
        // msgpack can carry the floats as raw bytes; the API wants a list of numbers.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(UnitVector(Dimensions).AsSpan()).ToArray();

        var response = await Client(BodyFormat.MsgPack).PostAsync(SearchPath, SearchBody("audio", WireValue.Binary(bytes), 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidEmbedding, "embedding must be a list of numbers");
    }

    public static TheoryData<BodyFormat, string, int> WrongLengths()
    {
        var data = new TheoryData<BodyFormat, string, int>();
        foreach (var format in new[] { BodyFormat.Json, BodyFormat.MsgPack })
            foreach (var collection in new[] { "text", "audio" })
                foreach (var length in new[] { 1, 2, 256, 511, 513, 1024 })
                    data.Add(format, collection, length);
        return data;
    }

    [Theory]
    [MemberData(nameof(WrongLengths))]
    public async Task Search_Returns400InvalidEmbedding_NamingTheDimensions_WhenTheLengthIsWrong(BodyFormat format, string collection, int length)
    {
        var response = await Client(format).PostAsync(SearchPath, SearchBody(collection, Floats(UnitVector(length)), 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidEmbedding, "must have 512 values");
        Assert.Contains($"got {length}", response.String("detail"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "0|8193")]
    public async Task Search_Returns400InvalidEmbedding_WhenTheListIsEmptyOrHuge(BodyFormat format, string length)
    {
        var count = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);

        var response = await Client(format).PostAsync(SearchPath, SearchBody("text", Floats(count == 0 ? [] : UnitVector(count)), 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidEmbedding, $"got {count}");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "string|nil|boolean|list|map")]
    public async Task Search_Returns400InvalidEmbedding_WhenAnItemIsNotANumber(BodyFormat format, string kind)
    {
        var items = UnitVector(Dimensions).Select(v => WireValue.Float32(v)).ToArray();
        items[7] = kind switch
        {
            "string" => WireValue.String("0.5"),
            "nil" => WireValue.Nil,
            "boolean" => WireValue.Boolean(true),
            "list" => WireValue.Array([WireValue.Float(0.5)]),
            _ => WireValue.Map(("value", WireValue.Float(0.5))),
        };

        var response = await Client(format).PostAsync(SearchPath, SearchBody("audio", WireValue.Array(items), 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidEmbedding, "embedding[7] must be a finite number");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public async Task Search_Returns400InvalidEmbedding_WhenAnItemIsNotFinite_InMsgPack(double value)
    {
        var items = UnitVector(Dimensions).Select(v => WireValue.Float32(v)).ToArray();
        items[5] = WireValue.Float(value);

        var response = await Client(BodyFormat.MsgPack).PostAsync(SearchPath, SearchBody("text", WireValue.Array(items), 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidEmbedding, "embedding[5] must be a finite number");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "text|audio")]
    public async Task Search_Returns400InvalidEmbedding_WhenAllZeros(BodyFormat format, string collection)
    {
        var response = await Client(format).PostAsync(SearchPath, SearchBody(collection, Floats(new float[Dimensions]), 5));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidEmbedding, "all zeros");
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task Search_AcceptsIntegerItems_AndAVectorThatIsNotUnitLength(BodyFormat format)
    {
        await LibraryAsync();
        // Cosine scores do not depend on the query's length; integers are numbers too.
        var items = Enumerable.Range(0, Dimensions).Select(i => WireValue.Integer(i % 3 - 1)).ToArray();

        var results = Results(await Client(format).PostAsync(SearchPath, SearchBody("audio", WireValue.Array(items), 3)));

        Assert.Equal(3, results.Count);
    }

    // ================================================================ tracks/search: limit

    [Theory]
    [MemberData(nameof(CrossBoth), "0|-1|1001|100000|9223372036854775807|-9223372036854775808")]
    public async Task Search_Returns400InvalidLimit_WhenOutOfRange(BodyFormat format, string limit)
    {
        var value = long.Parse(limit, System.Globalization.CultureInfo.InvariantCulture);

        var response = await Client(format).PostAsync(SearchPath, SearchBody("text", ValidEmbedding, value));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidLimit, "between 1 and 1000");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "string|fraction|boolean|list|map")]
    public async Task Search_Returns400InvalidField_WhenLimitIsNotAnInteger(BodyFormat format, string kind)
    {
        var limit = kind switch
        {
            "string" => WireValue.String("5"),
            "fraction" => WireValue.Float(2.5),
            "boolean" => WireValue.Boolean(true),
            "list" => WireValue.Array([WireValue.Integer(5)]),
            _ => WireValue.Map(("value", WireValue.Integer(5))),
        };
        var body = WireValue.Map(("collection", WireValue.String("text")), ("embedding", ValidEmbedding), ("limit", limit));

        var response = await Client(format).PostAsync(SearchPath, body);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "limit must be an integer");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "text|audio")]
    public async Task Search_AcceptsLimits1And1000(BodyFormat format, string collection)
    {
        await LibraryAsync();
        var client = Client(format);

        var one = Results(await client.PostAsync(SearchPath, SearchBody(collection, ValidEmbedding, 1)));
        var all = Results(await client.PostAsync(SearchPath, SearchBody(collection, ValidEmbedding, 1000)));

        Assert.Single(one);
        Assert.Equal(AllTracks, all.Count);
        Assert.Equal(all[0].TrackId, one[0].TrackId);
        Assert.Equal(all[0].Score, one[0].Score);
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "text|audio")]
    public async Task Search_ReturnsTenResults_WhenNoLimitIsGiven(BodyFormat format, string collection)
    {
        await LibraryAsync();
        var client = Client(format);

        var byDefault = Results(await client.PostAsync(SearchPath, SearchBody(collection, ValidEmbedding)));
        var nilLimit = Results(await client.PostAsync(SearchPath, WireValue.Map(
            ("collection", WireValue.String(collection)), ("embedding", ValidEmbedding), ("limit", WireValue.Nil))));
        var all = Results(await client.PostAsync(SearchPath, SearchBody(collection, ValidEmbedding, 1000)));

        Assert.True(all.Count > 10, $"the library has only {all.Count} tracks");
        Assert.Equal(10, byDefault.Count);
        Assert.Equal(Ids(all.Take(10)), Ids(byDefault));
        Assert.Equal(Ids(byDefault), Ids(nilLimit));
    }

    // ================================================================ tracks/search: filter

    [Theory]
    [MemberData(nameof(CrossBoth), "list|string|integer|boolean")]
    public async Task Search_Returns400InvalidField_WhenFilterIsNotAMap(BodyFormat format, string kind)
    {
        var filter = kind switch
        {
            "list" => Strings(["abc"]),
            "string" => WireValue.String("artist=Queen"),
            "integer" => WireValue.Integer(1),
            _ => WireValue.Boolean(true),
        };

        var response = await Client(format).PostAsync(SearchPath, SearchBody("audio", ValidEmbedding, 5, filter));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "filter must be a map");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "string|map|integer")]
    public async Task Search_Returns400InvalidField_WhenExcludeIdsIsNotAList(BodyFormat format, string kind)
    {
        var ids = kind switch
        {
            "string" => WireValue.String("abc123"),
            "map" => WireValue.Map(("abc123", WireValue.Boolean(true))),
            _ => WireValue.Integer(7),
        };

        var response = await Client(format).PostAsync(SearchPath, SearchBody("audio", ValidEmbedding, 5, WireValue.Map(("exclude_ids", ids))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "filter.exclude_ids must be a list of strings");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "integer|nil|empty")]
    public async Task Search_Returns400InvalidField_WhenAnExcludedIdIsNotAString(BodyFormat format, string kind)
    {
        var second = kind switch
        {
            "integer" => WireValue.Integer(123),
            "nil" => WireValue.Nil,
            _ => WireValue.String(""),
        };
        var filter = WireValue.Map(("exclude_ids", WireValue.Array([WireValue.String("abc123"), second])));

        var response = await Client(format).PostAsync(SearchPath, SearchBody("audio", ValidEmbedding, 5, filter));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "filter.exclude_ids[1]");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "artist|album|genre")]
    public async Task Search_Returns400InvalidField_WhenAFilterValueIsNotAString(BodyFormat format, string field)
    {
        var filter = WireValue.Map((field, Strings(["Queen"])));

        var response = await Client(format).PostAsync(SearchPath, SearchBody("text", ValidEmbedding, 5, filter));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, $"filter.{field} must be a string");
    }

    // ================================================================ tracks/{id}

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task GetTrack_Returns404TrackNotFound_ForAnUnknownId(BodyFormat format)
    {
        var trackId = "no-such-track-" + NewRunId();

        var response = await Client(format).SendAsync(HttpMethod.Get, TrackPath(trackId));

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.TrackNotFound, trackId);
        Assert.Equal(MediaTypes.ContentTypeOf(format), response.ContentType);
        (await Client(format).SendAsync(HttpMethod.Get, TrackPath(trackId, includeAudio: true)))
            .AssertError(HttpStatusCode.NotFound, ErrorCodes.TrackNotFound, trackId);
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "literal|escaped")]
    public async Task GetTrack_FindsASpotifyStyleId_WithMetadataAsSent_AndNoAudioUnlessAsked(BodyFormat format, string spelling)
    {
        var library = await LibraryAsync();
        var spotify = library.Spotify;
        var path = spelling == "literal" ? $"/api/v1/tracks/{spotify.TrackId}" : TrackPath(spotify.TrackId);
        Assert.Equal(spelling == "literal", path.Contains("spotify:track:", StringComparison.Ordinal));

        var track = (await Client(format).SendAsync(HttpMethod.Get, path)).AssertStatus(HttpStatusCode.OK);

        AssertTrack(track, spotify);
        Assert.False(track.Body!.TryGetProperty("audio_embedding", out _), $"audio_embedding without include_audio: {track.Body}");
        Assert.False(track.Body.TryGetProperty("audio_space", out _));
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "false|0|")]
    public async Task GetTrack_LeavesOutTheAudioEmbedding_WhenIncludeAudioIsNotTrue(BodyFormat format, string flag)
    {
        var spotify = (await LibraryAsync()).Spotify;

        var track = (await Client(format).SendAsync(HttpMethod.Get, $"{TrackPath(spotify.TrackId)}?include_audio={flag}")).AssertStatus(HttpStatusCode.OK);

        AssertTrack(track, spotify);
        Assert.False(track.Body!.TryGetProperty("audio_embedding", out _), $"audio_embedding with include_audio={flag}: {track.Body}");
    }

    [Theory]
    [MemberData(nameof(CrossBoth), "true|TRUE|1")]
    public async Task GetTrack_IncludesAUnitAudioEmbedding_WhenIncludeAudioIsTrue(BodyFormat format, string flag)
    {
        var spotify = (await LibraryAsync()).Spotify;

        var track = (await Client(format).SendAsync(HttpMethod.Get, $"/api/v1/tracks/{spotify.TrackId}?include_audio={flag}")).AssertStatus(HttpStatusCode.OK);

        AssertTrack(track, spotify);
        AssertUnitVector(track.Field("audio_embedding"));
        Assert.Equal(fixture.App.Services.GetRequiredService<AudioFunctions.Spaces.ActiveSpaces>().Current.Audio, track.String("audio_space"));
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task GetTrack_FindsAnIdWithSpacesAmpersandPlusAndAccents(BodyFormat format)
    {
        var special = (await LibraryAsync()).Special;

        var track = (await Client(format).SendAsync(HttpMethod.Get, TrackPath(special.TrackId, includeAudio: true))).AssertStatus(HttpStatusCode.OK);

        AssertTrack(track, special);
        AssertUnitVector(track.Field("audio_embedding"));
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task SpotifyStyleTrack_IsFoundFirst_BySearchingWithItsOwnAudioEmbedding(BodyFormat format)
    {
        var spotify = (await LibraryAsync()).Spotify;
        var client = Client(format);
        var track = (await client.SendAsync(HttpMethod.Get, TrackPath(spotify.TrackId, includeAudio: true))).AssertStatus(HttpStatusCode.OK);

        var results = Results(await client.PostAsync(SearchPath, SearchBody("audio", track.Field("audio_embedding"), 3)));

        Assert.Equal(3, results.Count);
        Assert.Equal(spotify.TrackId, results[0].TrackId);
        Assert.True(results[0].Score >= 0.999, $"score {results[0].Score}");
        Assert.Equal(spotify.Name, results[0].Metadata.TryGetProperty("name", out var name) ? name.AsString() : null);

        // Excluding it by its exact id leaves it out.
        var excluded = Results(await client.PostAsync(SearchPath, SearchBody("audio", track.Field("audio_embedding"), 3, Filter(excludeIds: [spotify.TrackId]))));
        Assert.Equal(3, excluded.Count);
        Assert.DoesNotContain(spotify.TrackId, Ids(excluded));
        Assert.Equal(Ids(results.Skip(1)), Ids(excluded.Take(2)));
    }

    // ================================================================ response negotiation

    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("application/msgpack", "application/json")]
    [InlineData("application/json", "application/msgpack")]
    [InlineData("application/msgpack", "application/msgpack")]
    public async Task Search_AnswersInTheAcceptedFormat_WhateverTheRequestFormat(string requestType, string accept)
    {
        await LibraryAsync();
        var body = SearchBody("audio", ValidEmbedding, 5);
        var bytes = requestType == MediaTypes.Json ? JsonCodec.Serialize(body) : MsgPackCodec.Serialize(body);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(requestType);
        using var request = new HttpRequestMessage(HttpMethod.Post, SearchPath) { Content = content };
        request.Headers.Accept.ParseAdd(accept);

        var response = await Client().SendAsync(request);

        Assert.Equal(accept, response.ContentType);
        var results = Results(response);
        var reference = Results(await Client(BodyFormat.MsgPack).PostAsync(SearchPath, body));
        Assert.Equal(5, results.Count);
        Assert.Equal(Ids(reference), Ids(results));
        Assert.Equal(reference.Select(r => (float)r.Score), results.Select(r => (float)r.Score));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/msgpack")]
    public async Task Search_AnswersInTheRequestFormat_WithoutAccept(string requestType)
    {
        await LibraryAsync();
        var body = SearchBody("text", ValidEmbedding, 2);
        var bytes = requestType == MediaTypes.Json ? JsonCodec.Serialize(body) : MsgPackCodec.Serialize(body);

        var response = await Client().PostRawAsync(SearchPath, bytes, requestType);

        Assert.Equal(requestType, response.ContentType);
        Assert.Equal(2, Results(response).Count);
    }

    [Fact]
    public async Task SearchErrors_AnswerInTheAcceptedFormat()
    {
        var bytes = MsgPackCodec.Serialize(SearchBody("video", ValidEmbedding, 5));
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(MediaTypes.MsgPack);
        using var request = new HttpRequestMessage(HttpMethod.Post, SearchPath) { Content = content };
        request.Headers.Accept.ParseAdd(MediaTypes.Json);

        var response = await Client().SendAsync(request);

        Assert.Equal(MediaTypes.Json, response.ContentType);
        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.UnknownCollection, "'video'");
    }

    // ================================================================ helpers

    private static void AssertTrack(ApiResponse track, SearchTrack expected)
    {
        Assert.Equal(expected.TrackId, track.String("track_id"));
        var metadata = track.Field("metadata");
        Assert.True(metadata.TryGetProperty("name", out var name));
        Assert.Equal(expected.Name, name.AsString());
        Assert.True(metadata.TryGetProperty("artists", out var artists));
        Assert.Equal(expected.Artists, artists.AsArray().Select(a => a.AsString()));
        Assert.True(metadata.TryGetProperty("album", out var album));
        Assert.Equal(expected.Album, album.AsString());
        Assert.True(metadata.TryGetProperty("genres", out var genres));
        Assert.Equal(expected.Genres, genres.AsArray().Select(g => g.AsString()));
        Assert.True(track.Boolean("has_text"));
        Assert.True(track.Boolean("has_audio"));
    }

    private static WireValue NotAString(string kind) => kind switch
    {
        "integer" => WireValue.Integer(42),
        "float" => WireValue.Float(4.5),
        "boolean" => WireValue.Boolean(true),
        "list" => Strings(["text"]),
        _ => WireValue.Map(("text", WireValue.String("upbeat"))),
    };

    private static WireValue NotAList(string kind) => kind switch
    {
        "string" => WireValue.String("0.1, 0.2, 0.3"),
        "integer" => WireValue.Integer(1),
        "float" => WireValue.Float(0.5),
        "boolean" => WireValue.Boolean(false),
        _ => WireValue.Map(("0", WireValue.Float(0.5))),
    };
}
