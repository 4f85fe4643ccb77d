using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>One app for <see cref="StreamBadInputTests"/>, with a small frame limit so 413 is cheap to reach.</summary>
public sealed class StreamBadInputApp : IAsyncLifetime
{
    public const int MaxFrameBytes = 1000;

    private AppInstance? _app;

    public AppInstance App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync()
    {
        var azurite = await AzuriteServer.Shared;
        _app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix(), new Dictionary<string, string?>
        {
            ["INSIGHT_STREAM__MAX_FRAME_BYTES"] = MaxFrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}

/// <summary>
/// The bad-input matrix of the stream API (reference 000, Flow 1): every rejected request answers
/// its exact status and error code, names what is wrong, and changes nothing.
/// </summary>
public sealed class StreamBadInputTests(StreamBadInputApp fixture) : IClassFixture<StreamBadInputApp>
{
    private const string StartPath = "/api/v1/stream/start";

    private static readonly BodyFormat[] Formats = [BodyFormat.Json, BodyFormat.MsgPack];

    private AppInstance App => fixture.App;

    private StreamApiClient Client(BodyFormat format = BodyFormat.MsgPack) => new(App.Client, format);

    private static string NewTrack() => "bad-" + Guid.NewGuid().ToString("N");

    // ---------------------------------------------------------------- bodies

    /// <summary>A valid start body for <paramref name="trackId"/>, with <paramref name="changes"/> applied (a null value removes the field).</summary>
    private static WireValue StartBody(string trackId, params (string Key, WireValue? Value)[] changes)
    {
        var fields = new List<KeyValuePair<string, WireValue>>
        {
            new("track_id", WireValue.String(trackId)),
            new("metadata", StreamApiClient.Metadata("Song", "Artist")),
            new("format", WireValue.String("pcm_s16_le")),
            new("sample_rate", WireValue.Integer(44100)),
            new("channels", WireValue.Integer(2)),
        };
        foreach (var (key, value) in changes)
        {
            var index = fields.FindIndex(f => f.Key == key);
            if (value is null)
            {
                if (index >= 0)
                    fields.RemoveAt(index);
            }
            else if (index >= 0)
                fields[index] = new(key, value);
            else
                fields.Add(new(key, value));
        }
        return WireValue.Map(fields);
    }

    private static byte[] Encode(BodyFormat format, WireValue body) =>
        format == BodyFormat.Json ? JsonCodec.Serialize(body) : MsgPackCodec.Serialize(body);

    private static WireValue Metadata(params (string Key, WireValue Value)[] fields) => WireValue.Map(fields);

    public static TheoryData<BodyFormat> BothFormats() => new(Formats);

    private static TheoryData<BodyFormat, T> Cross<T>(params T[] values)
    {
        var data = new TheoryData<BodyFormat, T>();
        foreach (var format in Formats)
            foreach (var value in values)
                data.Add(format, value);
        return data;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>A rejected start must leave the track free: a valid start of it now gets 200 (not 409).</summary>
    private async Task AssertTrackIsFreeAsync(string trackId)
    {
        var client = Client();
        var response = await client.StartAsync(trackId);
        response.AssertStatus(HttpStatusCode.OK);
        (await client.AbortAsync(response.String("session_id"))).AssertStatus(HttpStatusCode.OK);
    }

    private async Task<string> StartSessionAsync() => await Client().StartSessionAsync(NewTrack());

    /// <summary>The stored progress of a session: acknowledged bytes and the next seq.</summary>
    private async Task<(long TotalBytes, long NextSeq, double Buffered)> ProgressAsync(string sessionId)
    {
        var record = await StoredAudio.RecordAsync(App.Services, sessionId);
        var status = await Client().StatusAsync(sessionId);
        status.AssertStatus(HttpStatusCode.OK);
        return (record.TotalBytes, record.NextSeq, status.Number("buffered_seconds"));
    }

    private static byte[] Pcm(int bytes)
    {
        var data = new byte[bytes];
        for (var i = 0; i < data.Length; i++)
            data[i] = (byte)(i * 7);
        return data;
    }

    private async Task<ApiResponse> PostFrameAsync(string path, byte[] body, string? contentType)
    {
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await Client().SendAsync(request);
    }

    private sealed record RawResponse(HttpStatusCode Status, string? ContentType, byte[] Body);

    private async Task<RawResponse> SendRawAsync(HttpMethod method, string path, byte[]? body, string? contentType, string? accept)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null)
            request.Headers.Accept.ParseAdd(accept);
        using var response = await App.Client.SendAsync(request);
        return new RawResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
    }

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
        await AssertTrackIsFreeAsync(track);
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
        await AssertTrackIsFreeAsync(track);
    }

    [Fact]
    public async Task Start_Returns400MalformedBody_WhenMsgPackHasTrailingBytes()
    {
        var track = NewTrack();
        byte[] body = [.. MsgPackCodec.Serialize(StartBody(track)), 0x01, 0x02];

        var response = await Client().PostRawAsync(StartPath, body, MediaTypes.MsgPack);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "unexpected bytes after the value");
        await AssertTrackIsFreeAsync(track);
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
        await AssertTrackIsFreeAsync(track);
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
        await AssertTrackIsFreeAsync(track);
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task Start_Returns400MissingField_WhenRequiredFieldIsNil(BodyFormat format, string field)
    {
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, (field, WireValue.Nil)));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MissingField, field + " is required");
        await AssertTrackIsFreeAsync(track);
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
            await AssertTrackIsFreeAsync(track);
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

    public static TheoryData<BodyFormat, string> UnknownFormats() => Cross("pcm_u8", "mp3", "PCM_S16_LE", "pcm_s16_be");

    [Theory]
    [MemberData(nameof(UnknownFormats))]
    public async Task Start_Returns400UnsupportedFormat_WhenFormatIsUnknown(BodyFormat format, string pcmFormat)
    {
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, ("format", WireValue.String(pcmFormat))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.UnsupportedFormat, $"format '{pcmFormat}' is not supported");
        var detail = response.String("detail");
        Assert.Contains("pcm_f32_le", detail, StringComparison.Ordinal);
        Assert.Contains("pcm_s16_le", detail, StringComparison.Ordinal);
        Assert.Contains("pcm_s24_le", detail, StringComparison.Ordinal);
        await AssertTrackIsFreeAsync(track);
    }

    public static TheoryData<BodyFormat, long> BadSampleRates() => Cross(0L, -1L, 384_001L, long.MinValue);

    [Theory]
    [MemberData(nameof(BadSampleRates))]
    public async Task Start_Returns400InvalidSampleRate_WhenRateIsOutOfRange(BodyFormat format, long rate)
    {
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, ("sample_rate", WireValue.Integer(rate))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidSampleRate, $"between 1 and 384000 Hz; got {rate}");
        await AssertTrackIsFreeAsync(track);
    }

    /// <summary>
    /// Integers too large for a long are still integers, only out of range: they must get the same
    /// answer as 384001 or long.MinValue, not a self-contradictory "must be an integer, not an integer".
    /// </summary>
    [Theory]
    [InlineData("sample_rate", "18446744073709551615", ErrorCodes.InvalidSampleRate, "between 1 and 384000 Hz")]
    [InlineData("sample_rate", "9223372036854775808", ErrorCodes.InvalidSampleRate, "between 1 and 384000 Hz")]
    [InlineData("sample_rate", "1e20", ErrorCodes.InvalidSampleRate, "between 1 and 384000 Hz")]
    [InlineData("channels", "18446744073709551615", ErrorCodes.InvalidChannels, "1 (mono) or 2 (stereo)")]
    public async Task Start_Returns400OutOfRange_WhenIntegerDoesNotFitALong(string field, string literal, string code, string detail)
    {
        var track = NewTrack();
        var fields = new Dictionary<string, string>
        {
            ["track_id"] = $"\"{track}\"",
            ["format"] = "\"pcm_s16_le\"",
            ["sample_rate"] = "44100",
            ["channels"] = "2",
        };
        fields[field] = literal;
        var json = "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";

        var response = await Client(BodyFormat.Json).PostRawAsync(StartPath, Encoding.UTF8.GetBytes(json), MediaTypes.Json);

        Assert.True(response.Status == HttpStatusCode.BadRequest && response.ErrorCode == code,
            $"{field}={literal}: expected 400 {code} but got {(int)response.Status} {response.Body}");
        response.AssertError(HttpStatusCode.BadRequest, code, detail);
        await AssertTrackIsFreeAsync(track);
    }

    public static TheoryData<BodyFormat, int> GoodSampleRates() => Cross(384_000, 1, 22_050, 96_000);

    [Theory]
    [MemberData(nameof(GoodSampleRates))]
    public async Task Start_Returns200_WhenRateIsWithinRange(BodyFormat format, int rate)
    {
        var client = Client(format);

        var response = await client.StartAsync(NewTrack(), sampleRate: rate);

        response.AssertStatus(HttpStatusCode.OK);
        var sessionId = response.String("session_id");
        Assert.True(Guid.TryParseExact(sessionId, "D", out _), sessionId);
        Assert.Equal(480_000, response.Integer("window_samples"));
        Assert.Equal(rate, (await StoredAudio.RecordAsync(App.Services, sessionId)).Format.SampleRateHz);
        (await client.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
    }

    public static TheoryData<BodyFormat, long> BadChannels() => Cross(0L, 3L, -1L);

    [Theory]
    [MemberData(nameof(BadChannels))]
    public async Task Start_Returns400InvalidChannels_WhenChannelsIsNotOneOrTwo(BodyFormat format, long channels)
    {
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, ("channels", WireValue.Integer(channels))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidChannels, $"1 (mono) or 2 (stereo); got {channels}");
        await AssertTrackIsFreeAsync(track);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/octet-stream")]
    public async Task Start_Returns415UnsupportedMediaType_WhenContentTypeIsNotJsonOrMsgPack(string contentType)
    {
        var track = NewTrack();

        var response = await Client().PostRawAsync(StartPath, JsonCodec.Serialize(StartBody(track)), contentType);

        response.AssertError(HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, contentType);
        await AssertTrackIsFreeAsync(track);
    }

    [Fact]
    public async Task Start_Returns415UnsupportedMediaType_WhenBodyHasNoContentType()
    {
        var track = NewTrack();

        var response = await Client().PostRawAsync(StartPath, MsgPackCodec.Serialize(StartBody(track)), contentType: null);

        response.AssertError(HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "no Content-Type");
        await AssertTrackIsFreeAsync(track);
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task Start_Returns413BodyTooLarge_WhenControlBodyIsOverOneMebibyte(BodyFormat format)
    {
        var track = NewTrack();
        var body = Encode(format, StartBody(track, ("padding", WireValue.String(new string('p', RequestBodies.MaxControlBodyBytes)))));
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.ContentTypeOf(format));
        using var request = new HttpRequestMessage(HttpMethod.Post, StartPath) { Content = content };
        // The app refuses on Content-Length without reading the body; waiting for "100 Continue" lets the
        // client read that answer instead of racing the server's close with its upload.
        request.Headers.ExpectContinue = true;

        var response = await Client(format).SendAsync(request);

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.BodyTooLarge, $"at most {RequestBodies.MaxControlBodyBytes} bytes");
        await AssertTrackIsFreeAsync(track);
    }

    /// <summary>
    /// Documented leniency: a number with an integral value counts as an integer, so JSON
    /// <c>44100.0</c> (and a msgpack float64 44100.0) is the rate 44100.
    /// </summary>
    [Fact]
    public async Task Start_Returns200_WhenJsonSampleRateIsAnIntegralFloat()
    {
        var track = NewTrack();
        var json = $"{{\"track_id\":\"{track}\",\"format\":\"pcm_s16_le\",\"sample_rate\":44100.0,\"channels\":2.0}}";

        var response = await Client(BodyFormat.Json).PostRawAsync(StartPath, Encoding.UTF8.GetBytes(json), MediaTypes.Json);

        response.AssertStatus(HttpStatusCode.OK);
        var record = await StoredAudio.RecordAsync(App.Services, response.String("session_id"));
        Assert.Equal(44100, record.Format.SampleRateHz);
        Assert.Equal(2, record.Format.Channels);
        (await Client().AbortAsync(response.String("session_id"))).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_Returns200_WhenMsgPackSampleRateIsAnIntegralFloat()
    {
        var track = NewTrack();

        var response = await Client().PostAsync(StartPath, StartBody(track, ("sample_rate", WireValue.Float(48000.0))));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(48000, (await StoredAudio.RecordAsync(App.Services, response.String("session_id"))).Format.SampleRateHz);
        (await Client().AbortAsync(response.String("session_id"))).AssertStatus(HttpStatusCode.OK);
    }

    // ================================================================ frames

    [Fact]
    public async Task Frames_Returns404SessionNotFound_WhenSessionIdIsAnUnknownGuid()
    {
        var id = Guid.NewGuid().ToString("D");

        var response = await Client().SendFrameAsync(id, Pcm(8));

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, id);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("..%2F..")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("not-a-guid-at-all")]
    public async Task Frames_Returns404SessionNotFound_WhenSessionIdIsNotAGuid(string id)
    {
        var response = await PostFrameAsync($"/api/v1/stream/{id}/frames", Pcm(8), MediaTypes.OctetStream);

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, "No session");
    }

    [Fact]
    public async Task Frames_Returns400EmptyFrame_WhenBodyIsEmpty_AndChangesNothing()
    {
        var sessionId = await StartSessionAsync();
        (await Client().SendFrameAsync(sessionId, Pcm(400))).AssertStatus(HttpStatusCode.OK);
        var before = await ProgressAsync(sessionId);

        var response = await Client().SendFrameAsync(sessionId, ReadOnlyMemory<byte>.Empty);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.EmptyFrame, "no bytes");
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns413FrameTooLarge_WhenFrameIsOneByteOverTheLimit_AndChangesNothing()
    {
        var sessionId = await StartSessionAsync();
        (await Client().SendFrameAsync(sessionId, Pcm(400))).AssertStatus(HttpStatusCode.OK);
        var before = await ProgressAsync(sessionId);

        var response = await Client().SendFrameAsync(sessionId, Pcm(StreamBadInputApp.MaxFrameBytes + 1));

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.FrameTooLarge, "at most 1000 bytes");
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns413FrameTooLarge_WhenChunkedFrameWithoutLengthIsOverTheLimit()
    {
        var sessionId = await StartSessionAsync();
        var before = await ProgressAsync(sessionId);
        using var stream = new NonSeekableStream(Pcm(StreamBadInputApp.MaxFrameBytes + 1));
        using var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames") { Content = content };
        Assert.Null(content.Headers.ContentLength); // sent chunked: only reading tells the size

        var response = await Client().SendAsync(request);

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.FrameTooLarge, "at most 1000 bytes");
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns200_WhenFrameIsExactlyTheLimit()
    {
        var sessionId = await StartSessionAsync();

        var response = await Client().SendFrameAsync(sessionId, Pcm(StreamBadInputApp.MaxFrameBytes));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, response.Integer("next_seq"));
        // 1000 bytes of 16-bit stereo are 250 sample frames at 44.1 kHz.
        Assert.Equal(250.0 / 44100, response.Number("buffered_seconds"), 9);
        var record = await StoredAudio.RecordAsync(App.Services, sessionId);
        Assert.Equal(StreamBadInputApp.MaxFrameBytes, record.TotalBytes);
    }

    [Theory]
    [InlineData("seq=-1")]
    [InlineData("seq=abc")]
    [InlineData("seq=1.5")]
    [InlineData("seq=1&seq=2")]
    [InlineData("seq=")]
    [InlineData("seq=%2B1")]
    [InlineData("seq=99999999999999999999")]
    public async Task Frames_Returns400InvalidSeq_WhenSeqIsNotOneNonNegativeInteger(string query)
    {
        var sessionId = await StartSessionAsync();
        (await Client().SendFrameAsync(sessionId, Pcm(400), seq: 0)).AssertStatus(HttpStatusCode.OK);
        var before = await ProgressAsync(sessionId);

        var response = await PostFrameAsync($"/api/v1/stream/{sessionId}/frames?{query}", Pcm(400), MediaTypes.OctetStream);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidSeq, "seq must be one non-negative integer");
        Assert.Equal(before, await ProgressAsync(sessionId));
        // The session still takes the next frame in order.
        var next = await Client().SendFrameAsync(sessionId, Pcm(400), seq: 1);
        next.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, next.Integer("next_seq"));
    }

    [Theory]
    [InlineData(MediaTypes.Json)]
    [InlineData(MediaTypes.MsgPack)]
    [InlineData("application/problem+json")]
    public async Task Frames_Returns415UnsupportedMediaType_WhenContentTypeIsAControlFormat(string contentType)
    {
        var sessionId = await StartSessionAsync();
        var before = await ProgressAsync(sessionId);

        var response = await PostFrameAsync($"/api/v1/stream/{sessionId}/frames", Pcm(400), contentType);

        response.AssertError(HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, MediaTypes.OctetStream);
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns409SessionEnded_AfterEnd()
    {
        var client = Client();
        var sessionId = await StartSessionAsync();
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        var response = await client.SendFrameAsync(sessionId, Pcm(400));

        response.AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionEnded, sessionId);
        Assert.Equal(0, (await StoredAudio.RecordAsync(App.Services, sessionId)).TotalBytes);
    }

    [Fact]
    public async Task Frames_Returns409SessionAborted_AfterAbort()
    {
        var client = Client();
        var sessionId = await StartSessionAsync();
        (await client.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        var response = await client.SendFrameAsync(sessionId, Pcm(400));

        response.AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionAborted, "was aborted");
        Assert.Equal(0, await StoredAudio.CountBlobsAsync(App.Services, sessionId));
    }

    // ================================================================ end

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task End_Returns400InvalidField_WhenStoreIsAString_AndSessionStaysActive(BodyFormat format)
    {
        var client = Client(format);
        var sessionId = await StartSessionAsync();

        var response = await client.PostAsync($"/api/v1/stream/{sessionId}/end",
            WireValue.Map(("store", WireValue.String("true")), ("min_duration_s", WireValue.Float(3.0))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "store must be true or false");
        Assert.Equal("active", (await client.StatusAsync(sessionId)).String("status"));
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task End_Returns400InvalidField_WhenMinDurationIsNegative_AndSessionStaysActive(BodyFormat format)
    {
        var client = Client(format);
        var sessionId = await StartSessionAsync();

        var response = await client.EndAsync(sessionId, minDurationSeconds: -0.5);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "min_duration_s must not be negative");
        Assert.Equal("active", (await client.StatusAsync(sessionId)).String("status"));
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task End_Returns400InvalidField_WhenMinDurationIsNotANumber(BodyFormat format)
    {
        var client = Client(format);
        var sessionId = await StartSessionAsync();

        var response = await client.PostAsync($"/api/v1/stream/{sessionId}/end", WireValue.Map(("min_duration_s", WireValue.String("3"))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "min_duration_s must be a finite number");
        Assert.Equal("active", (await client.StatusAsync(sessionId)).String("status"));
    }

    [Fact]
    public async Task End_Returns400InvalidRequest_WhenBodyIsNotAMap()
    {
        var sessionId = await StartSessionAsync();

        var response = await Client().PostAsync($"/api/v1/stream/{sessionId}/end", WireValue.Array([WireValue.Boolean(true)]));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "must be a map");
        Assert.Equal("active", (await Client().StatusAsync(sessionId)).String("status"));
    }

    [Theory]
    [InlineData("{\"store\": tru}")]
    [InlineData("{\"store\": true} []")]
    public async Task End_Returns400MalformedBody_WhenJsonIsInvalid(string json)
    {
        var sessionId = await StartSessionAsync();

        var response = await Client(BodyFormat.Json).PostRawAsync($"/api/v1/stream/{sessionId}/end", Encoding.UTF8.GetBytes(json), MediaTypes.Json);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.MalformedBody, "JSON body");
        Assert.Equal("active", (await Client().StatusAsync(sessionId)).String("status"));
    }

    [Theory]
    [InlineData("5a8c6a3e-0000-4000-8000-000000000000")]
    [InlineData("abc")]
    public async Task End_Returns404SessionNotFound_WhenSessionIsUnknown(string id)
    {
        var response = await Client().EndAsync(id);

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, id);
    }

    [Fact]
    public async Task End_Returns409SessionAborted_AfterAbort()
    {
        var client = Client();
        var sessionId = await StartSessionAsync();
        (await client.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        var response = await client.EndAsync(sessionId);

        response.AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionAborted, sessionId);
        Assert.Equal("aborted", (await client.StatusAsync(sessionId)).String("status"));
    }

    [Theory]
    [InlineData(MediaTypes.MsgPack)]
    [InlineData(MediaTypes.Json)]
    [InlineData(null)]
    public async Task End_Returns200WithDefaults_WhenBodyIsEmpty(string? contentType)
    {
        var client = Client();
        var track = NewTrack();
        var sessionId = await client.StartSessionAsync(track);
        (await client.SendFrameAsync(sessionId, Pcm(1000))).AssertStatus(HttpStatusCode.OK);

        var response = await client.PostRawAsync($"/api/v1/stream/{sessionId}/end", [], contentType);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(track, response.String("track_id"));
        Assert.Equal(250.0 / 44100, response.Number("duration_s"), 9);
        var status = await client.StatusAsync(sessionId);
        Assert.Equal("completed", status.String("status"));
        Assert.Equal("ended", status.String("reason"));
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task End_Returns200AndTheSameBody_WhenCalledAgain(BodyFormat format)
    {
        var client = Client(format);
        var track = NewTrack();
        var sessionId = await client.StartSessionAsync(track);
        (await client.SendFrameAsync(sessionId, Pcm(800))).AssertStatus(HttpStatusCode.OK);

        var first = await client.EndAsync(sessionId);
        var second = await client.EndAsync(sessionId, store: false, minDurationSeconds: 0);
        var third = await client.PostRawAsync($"/api/v1/stream/{sessionId}/end", [], MediaTypes.ContentTypeOf(format));

        first.AssertStatus(HttpStatusCode.OK);
        second.AssertStatus(HttpStatusCode.OK);
        third.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(MediaTypes.ContentTypeOf(format), first.ContentType);
        Assert.Equal(["track_id", "duration_s", "windows_processed", "text_stored", "audio_stored"], first.Body!.AsMap().Select(e => e.Key));
        Assert.Equal(track, first.String("track_id"));
        Assert.Equal(MsgPackCodec.Serialize(first.Body!), MsgPackCodec.Serialize(second.Body!));
        Assert.Equal(MsgPackCodec.Serialize(first.Body!), MsgPackCodec.Serialize(third.Body!));
    }

    // ================================================================ abort

    [Theory]
    [InlineData("5a8c6a3e-0000-4000-8000-000000000001")]
    [InlineData("abc")]
    public async Task Abort_Returns404SessionNotFound_WhenSessionIsUnknown(string id)
    {
        var response = await Client().AbortAsync(id);

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, id);
    }

    [Fact]
    public async Task Abort_Returns200Aborted_BothTimes_WhenCalledTwice()
    {
        var client = Client();
        var track = NewTrack();
        var sessionId = await client.StartSessionAsync(track);

        var first = await client.AbortAsync(sessionId);
        var second = await client.AbortAsync(sessionId);

        foreach (var response in new[] { first, second })
        {
            response.AssertStatus(HttpStatusCode.OK);
            Assert.Equal(sessionId, response.String("session_id"));
            Assert.Equal(track, response.String("track_id"));
            Assert.Equal("aborted", response.String("status"));
            Assert.Equal("aborted_by_client", response.String("reason"));
        }
        // Aborting freed the track.
        await AssertTrackIsFreeAsync(track);
    }

    [Fact]
    public async Task Abort_Returns409SessionEnded_AfterEnd()
    {
        var client = Client();
        var sessionId = await StartSessionAsync();
        (await client.SendFrameAsync(sessionId, Pcm(400))).AssertStatus(HttpStatusCode.OK);
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        var blobs = await StoredAudio.CountBlobsAsync(App.Services, sessionId);

        var response = await client.AbortAsync(sessionId);

        response.AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionEnded, "has ended");
        Assert.Equal("completed", (await client.StatusAsync(sessionId)).String("status"));
        Assert.True(blobs > 0);
        Assert.Equal(blobs, await StoredAudio.CountBlobsAsync(App.Services, sessionId));
    }

    [Fact]
    public async Task Abort_DeletesTheSessionAudio_ByDefault()
    {
        var client = Client();
        var sessionId = await StartSessionAsync();
        (await client.SendFrameAsync(sessionId, Pcm(1000))).AssertStatus(HttpStatusCode.OK);
        (await client.SendFrameAsync(sessionId, Pcm(1000))).AssertStatus(HttpStatusCode.OK);
        Assert.True(await StoredAudio.CountBlobsAsync(App.Services, sessionId) > 0);

        (await client.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(0, await StoredAudio.CountBlobsAsync(App.Services, sessionId));
    }

    [Fact]
    public async Task Abort_KeepsTheSessionAudio_WhenKeepAbortedAudioIsTrue()
    {
        var azurite = await AzuriteServer.Shared;
        await using var app = await AppInstance.StartAsync(azurite, AppInstance.NewPrefix(), new Dictionary<string, string?>
        {
            ["INSIGHT_STREAM__KEEP_ABORTED_AUDIO"] = "true",
        });
        var client = new StreamApiClient(app.Client);
        var sessionId = await client.StartSessionAsync(NewTrack());
        var pcm = Pcm(1000);
        (await client.SendFrameAsync(sessionId, pcm)).AssertStatus(HttpStatusCode.OK);
        var blobs = await StoredAudio.CountBlobsAsync(app.Services, sessionId);
        Assert.True(blobs > 0);

        var response = await client.AbortAsync(sessionId);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("aborted", response.String("status"));
        Assert.Equal(blobs, await StoredAudio.CountBlobsAsync(app.Services, sessionId));
        Assert.Equal(pcm, await StoredAudio.ReadAsync(app.Services, sessionId));
    }

    // ================================================================ status

    [Theory]
    [InlineData("5a8c6a3e-0000-4000-8000-000000000002")]
    [InlineData("abc")]
    public async Task Status_Returns404SessionNotFound_WhenSessionIsUnknown(string id)
    {
        var response = await Client().StatusAsync(id);

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, id);
    }

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task Status_HasExactlyTheContractKeys_WhileActive_AndAddsReasonOnceAborted(BodyFormat format)
    {
        var client = Client(format);
        var track = NewTrack();
        var sessionId = await client.StartSessionAsync(track);
        (await client.SendFrameAsync(sessionId, Pcm(1000))).AssertStatus(HttpStatusCode.OK);
        string[] contract = ["session_id", "track_id", "status", "buffered_seconds", "windows_completed", "age_seconds"];

        var active = await client.StatusAsync(sessionId);

        active.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(MediaTypes.ContentTypeOf(format), active.ContentType);
        Assert.Equal(contract.Order(StringComparer.Ordinal), active.Body!.AsMap().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(sessionId, active.String("session_id"));
        Assert.Equal(track, active.String("track_id"));
        Assert.Equal("active", active.String("status"));
        Assert.Equal(250.0 / 44100, active.Number("buffered_seconds"), 9);
        Assert.Equal(0, active.Integer("windows_completed"));
        Assert.InRange(active.Number("age_seconds"), 0, 120);

        (await client.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        var aborted = await client.StatusAsync(sessionId);

        aborted.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(contract.Append("reason").Order(StringComparer.Ordinal), aborted.Body!.AsMap().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("aborted", aborted.String("status"));
        Assert.Equal("aborted_by_client", aborted.String("reason"));
    }

    // ================================================================ response negotiation

    [Fact]
    public async Task Start_AnswersJson_WhenAcceptIsJson_AndBodyIsMsgPack()
    {
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, MsgPackCodec.Serialize(StartBody(NewTrack())), MediaTypes.MsgPack, MediaTypes.Json);

        Assert.Equal(HttpStatusCode.OK, raw.Status);
        Assert.Equal(MediaTypes.Json, raw.ContentType);
        var body = JsonCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("session_id", out var id));
        (await Client().AbortAsync(id.AsString())).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_AnswersMsgPack_WhenMsgPackRequestHasNoAccept()
    {
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, MsgPackCodec.Serialize(StartBody(NewTrack())), MediaTypes.MsgPack, accept: null);

        Assert.Equal(HttpStatusCode.OK, raw.Status);
        Assert.Equal(MediaTypes.MsgPack, raw.ContentType);
        var body = MsgPackCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("session_id", out var id));
        (await Client().AbortAsync(id.AsString())).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_AnswersJson_WhenJsonRequestHasNoAccept()
    {
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, JsonCodec.Serialize(StartBody(NewTrack())), MediaTypes.Json, accept: null);

        Assert.Equal(HttpStatusCode.OK, raw.Status);
        Assert.Equal(MediaTypes.Json, raw.ContentType);
        var body = JsonCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("session_id", out var id));
        (await Client().AbortAsync(id.AsString())).AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(MediaTypes.MsgPack, MediaTypes.Json, MediaTypes.Json)]
    [InlineData(MediaTypes.MsgPack, null, MediaTypes.MsgPack)]
    [InlineData(MediaTypes.Json, null, MediaTypes.Json)]
    [InlineData(MediaTypes.Json, MediaTypes.MsgPack, MediaTypes.MsgPack)]
    [InlineData("text/plain", null, MediaTypes.MsgPack)]
    [InlineData("text/plain", MediaTypes.Json, MediaTypes.Json)]
    public async Task Start_ErrorBody_FollowsTheSameNegotiation(string contentType, string? accept, string expected)
    {
        // [0xc1] is malformed msgpack and malformed JSON alike.
        var raw = await SendRawAsync(HttpMethod.Post, StartPath, [0xc1], contentType, accept);

        Assert.Equal(expected, raw.ContentType);
        var body = expected == MediaTypes.Json ? JsonCodec.Parse(raw.Body) : MsgPackCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("error", out var error));
        Assert.True(body.TryGetProperty("detail", out _));
        var (status, code) = contentType == "text/plain"
            ? (HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType)
            : (HttpStatusCode.BadRequest, ErrorCodes.MalformedBody);
        Assert.Equal(status, raw.Status);
        Assert.Equal(code, error.AsString());
    }

    [Theory]
    [InlineData(MediaTypes.Json, MediaTypes.Json)]
    [InlineData(MediaTypes.MsgPack, MediaTypes.MsgPack)]
    [InlineData(null, MediaTypes.MsgPack)]
    public async Task Status_ErrorBody_FollowsAccept_AndDefaultsToMsgPack(string? accept, string expected)
    {
        var raw = await SendRawAsync(HttpMethod.Get, $"/api/v1/stream/{Guid.NewGuid():D}/status", body: null, contentType: null, accept);

        Assert.Equal(HttpStatusCode.NotFound, raw.Status);
        Assert.Equal(expected, raw.ContentType);
        var body = expected == MediaTypes.Json ? JsonCodec.Parse(raw.Body) : MsgPackCodec.Parse(raw.Body);
        Assert.True(body.TryGetProperty("error", out var error));
        Assert.Equal(ErrorCodes.SessionNotFound, error.AsString());
    }

    [Fact]
    public async Task Frames_AnswerFollowsAccept_NotTheOctetStreamBody()
    {
        var sessionId = await StartSessionAsync();

        var json = await SendRawAsync(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames", Pcm(400), MediaTypes.OctetStream, MediaTypes.Json);
        var msgpack = await SendRawAsync(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames", Pcm(400), MediaTypes.OctetStream, accept: null);

        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal(MediaTypes.Json, json.ContentType);
        Assert.True(JsonCodec.Parse(json.Body).TryGetProperty("buffered_seconds", out _));
        Assert.Equal(HttpStatusCode.OK, msgpack.Status);
        Assert.Equal(MediaTypes.MsgPack, msgpack.ContentType);
        Assert.True(MsgPackCodec.Parse(msgpack.Body).TryGetProperty("buffered_seconds", out _));
    }

    /// <summary>A stream that cannot report its length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
