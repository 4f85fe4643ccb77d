using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using static AudioFunctions.Tests.Functions.Streams.StreamTestBodies;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>
/// Start with a bad audio format or request envelope (reference 000, Flow 1): unknown PCM formats,
/// sample rates and channel counts out of range, unsupported or missing Content-Type, and an
/// oversized body; and the edges that must still be accepted.
/// </summary>
public sealed class StartFormatBadInputTests(StreamBadInputApp fixture) : StreamBadInputTestBase(fixture)
{
    private static byte[] Encode(BodyFormat format, WireValue body) =>
        format == BodyFormat.Json ? JsonCodec.Serialize(body) : MsgPackCodec.Serialize(body);

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
        await AssertTrackIsFreeAsync(App, track);
    }

    public static TheoryData<BodyFormat, long> BadSampleRates() => Cross(0L, -1L, 384_001L, long.MinValue);

    [Theory]
    [MemberData(nameof(BadSampleRates))]
    public async Task Start_Returns400InvalidSampleRate_WhenRateIsOutOfRange(BodyFormat format, long rate)
    {
        var track = NewTrack();

        var response = await Client(format).PostAsync(StartPath, StartBody(track, ("sample_rate", WireValue.Integer(rate))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidSampleRate, $"between 1 and 384000 Hz; got {rate}");
        await AssertTrackIsFreeAsync(App, track);
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
        await AssertTrackIsFreeAsync(App, track);
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
        await AssertTrackIsFreeAsync(App, track);
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
        await AssertTrackIsFreeAsync(App, track);
    }

    [Fact]
    public async Task Start_Returns415UnsupportedMediaType_WhenBodyHasNoContentType()
    {
        var track = NewTrack();

        var response = await Client().PostRawAsync(StartPath, MsgPackCodec.Serialize(StartBody(track)), contentType: null);

        response.AssertError(HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "no Content-Type");
        await AssertTrackIsFreeAsync(App, track);
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
        await AssertTrackIsFreeAsync(App, track);
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
}
