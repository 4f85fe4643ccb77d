using System.Net;
using System.Text;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using static AudioFunctions.Tests.Functions.Streams.StreamTestBodies;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>
/// Start with a bad body (reference 000, Flow 1): malformed JSON or msgpack, a body that is not a
/// map or is empty, and required fields that are missing, nil, of the wrong type or out of bounds.
/// Each answers its exact status and error code, names what is wrong, and leaves the track free.
/// </summary>
public sealed class StartBodyBadInputTests(StreamBadInputApp fixture) : StreamBadInputTestBase(fixture)
{
    private static WireValue Metadata(params (string Key, WireValue Value)[] fields) => WireValue.Map(fields);

    // ================================================================ start: malformed bodies

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"track_id\": ")]
    [InlineData("{'track_id': 'a'}")]
    [InlineData("{\"track_id\":\"a\",}")]
    [InlineData("{\"track_id\":\"a\"} x")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    public async Task Start_Returns400MalformedBody_WhenJsonIsInvalid(string json)
    {
        var response = await Client(BodyFormat.Json).PostRawAsync(StartPath, Encoding.UTF8.GetBytes(json), MediaTypes.Json);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "JSON body");
    }

    [Fact]
    public async Task Start_Returns400MalformedBody_WhenJsonHasTrailingGarbage_AndTheTrackStaysFree()
    {
        var track = NewTrack();
        var json = Encoding.UTF8.GetString(JsonCodec.Serialize(StartBody(track))) + " garbage";

        var response = await Client(BodyFormat.Json).PostRawAsync(StartPath, Encoding.UTF8.GetBytes(json), MediaTypes.Json);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "JSON body is malformed");
        await AssertTrackIsFreeAsync(App, track);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(0.5)]
    public async Task Start_Returns400MalformedBody_WhenMsgPackIsTruncated(double keep)
    {
        var track = NewTrack();
        var whole = MsgPackCodec.Serialize(StartBody(track));
        var length = keep < 1 ? (int)(whole.Length * keep) : whole.Length - (int)keep;

        var response = await Client().PostRawAsync(StartPath, whole[..length], MediaTypes.MsgPack);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "msgpack body is truncated");
        await AssertTrackIsFreeAsync(App, track);
    }

    [Fact]
    public async Task Start_Returns400MalformedBody_WhenMsgPackHasTrailingBytes()
    {
        var track = NewTrack();
        byte[] body = [.. MsgPackCodec.Serialize(StartBody(track)), 0x01, 0x02];

        var response = await Client().PostRawAsync(StartPath, body, MediaTypes.MsgPack);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "unexpected bytes after the value");
        await AssertTrackIsFreeAsync(App, track);
    }

    [Fact]
    public async Task Start_Returns400MalformedBody_WhenMsgPackUsesTheNeverUsedByte()
    {
        var response = await Client().PostRawAsync(StartPath, [0xc1], MediaTypes.MsgPack);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "offset 0");
    }

    [Fact]
    public async Task Start_Returns400MalformedBody_WhenJsonRepeatsAKey()
    {
        var track = NewTrack();
        var json = $"{{\"track_id\":\"{track}\",\"track_id\":\"other\",\"format\":\"pcm_s16_le\",\"sample_rate\":44100,\"channels\":2}}";

        var response = await Client(BodyFormat.Json).PostRawAsync(StartPath, Encoding.UTF8.GetBytes(json), MediaTypes.Json);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "duplicate key 'track_id'");
        await AssertTrackIsFreeAsync(App, track);
    }

    [Fact]
    public async Task Start_Returns400MalformedBody_WhenMsgPackRepeatsAKey()
    {
        // {"a": 1, "a": 2}: WireValue.Map refuses to build it, so the bytes are written by hand.
        byte[] body = [0x82, 0xa1, (byte)'a', 0x01, 0xa1, (byte)'a', 0x02];

        var response = await Client().PostRawAsync(StartPath, body, MediaTypes.MsgPack);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "duplicate key 'a'");
    }

    // ================================================================ start: not a map, empty

    public static TheoryData<BodyFormat, string> NonMapBodies() => Cross("list", "string", "integer", "nil");

    [Theory]
    [MemberData(nameof(NonMapBodies))]
    public async Task Start_Returns400InvalidRequest_WhenBodyIsNotAMap(BodyFormat format, string kind)
    {
        var (body, described) = kind switch
        {
            "list" => (WireValue.Array([WireValue.String("track_id"), WireValue.Integer(1)]), "a list"),
            "string" => (WireValue.String("track_id"), "a string"),
            "integer" => (WireValue.Integer(44100), "an integer"),
            _ => (WireValue.Nil, "nil"),
        };

        var response = await Client(format).PostAsync(StartPath, body);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "must be a map, not " + described);
    }

    [Theory]
    [InlineData(MediaTypes.Json)]
    [InlineData(MediaTypes.MsgPack)]
    [InlineData(null)]
    public async Task Start_Returns400InvalidRequest_WhenBodyIsEmpty(string? contentType)
    {
        var response = await Client().PostRawAsync(StartPath, [], contentType);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "needs a body");
    }

    // ================================================================ start: fields

    public static TheoryData<BodyFormat, string> RequiredFields() => Cross("track_id", "format", "sample_rate", "channels");

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task Start_Returns400MissingField_WhenRequiredFieldIsAbsent(BodyFormat format, string field)
    {
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, (field, null)));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MissingField, field + " is required");
        await AssertTrackIsFreeAsync(App, track);
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task Start_Returns400MissingField_WhenRequiredFieldIsNil(BodyFormat format, string field)
    {
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, (field, WireValue.Nil)));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MissingField, field + " is required");
        await AssertTrackIsFreeAsync(App, track);
    }

    /// <summary>Bodies with one field of the wrong type: the change, and the start of the detail that must name it.</summary>
    private static readonly Dictionary<string, ((string Key, WireValue Value) Change, string Detail)> WrongTypes = new()
    {
        ["track_id number"] = (("track_id", WireValue.Integer(123)), "track_id must be a string"),
        ["format number"] = (("format", WireValue.Integer(16)), "format must be a string"),
        ["sample_rate string"] = (("sample_rate", WireValue.String("44100")), "sample_rate must be an integer"),
        ["sample_rate fraction"] = (("sample_rate", WireValue.Float(44100.5)), "sample_rate must be an integer"),
        ["channels boolean"] = (("channels", WireValue.Boolean(true)), "channels must be an integer"),
        ["channels list"] = (("channels", WireValue.Array([WireValue.Integer(2)])), "channels must be an integer"),
        ["metadata string"] = (("metadata", WireValue.String("Queen")), "metadata must be a map"),
        ["metadata list"] = (("metadata", WireValue.Array([])), "metadata must be a map"),
        ["metadata.artists string"] = (("metadata", Metadata(("artists", WireValue.String("Queen")))), "metadata.artists must be a list of strings"),
        ["metadata.artists number item"] = (("metadata", Metadata(("artists", WireValue.Array([WireValue.String("Queen"), WireValue.Integer(1)])))), "metadata.artists[1] must be a string"),
        ["metadata.genres map"] = (("metadata", Metadata(("genres", WireValue.Map(("a", WireValue.String("b")))))), "metadata.genres must be a list of strings"),
        ["metadata.name number"] = (("metadata", Metadata(("name", WireValue.Integer(42)))), "metadata.name must be a string"),
        ["metadata.album boolean"] = (("metadata", Metadata(("album", WireValue.Boolean(false)))), "metadata.album must be a string"),
    };

    public static TheoryData<BodyFormat, string> WrongTypeCases() => Cross([.. WrongTypes.Keys]);

    [Theory]
    [MemberData(nameof(WrongTypeCases))]
    public async Task Start_Returns400InvalidField_WhenFieldHasWrongType(BodyFormat format, string @case)
    {
        var ((key, value), detail) = WrongTypes[@case];
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, (key, value)));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, detail);
        if (key != "track_id")
            await AssertTrackIsFreeAsync(App, track);
    }

    public static TheoryData<BodyFormat, string> BadTrackIds() => Cross("empty", "blank", "513 characters");

    [Theory]
    [MemberData(nameof(BadTrackIds))]
    public async Task Start_Returns400InvalidField_WhenTrackIdIsEmptyOrTooLong(BodyFormat format, string @case)
    {
        var (trackId, detail) = @case switch
        {
            "empty" => ("", "track_id must not be empty"),
            "blank" => ("   ", "track_id must not be empty"),
            _ => (new string('t', 513), "track_id may be at most 512 characters"),
        };

        var response = await Client(format).PostAsync(StartPath, StartBody(trackId));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, detail);
    }

    [Fact]
    public async Task Start_Returns200_WhenTrackIdIsExactly512Characters()
    {
        var track = NewTrack();
        track += new string('x', 512 - track.Length);

        var response = await Client().StartAsync(track);

        response.AssertStatus(HttpStatusCode.OK);
        var status = await Client().StatusAsync(response.String("session_id"));
        Assert.Equal(track, status.String("track_id"));
        (await Client().AbortAsync(response.String("session_id"))).AssertStatus(HttpStatusCode.OK);
    }
}
