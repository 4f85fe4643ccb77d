using System.Net;
using System.Text;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using static AudioFunctions.Tests.Functions.Streams.StreamTestBodies;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>
/// End and abort with bad input or in the wrong state (reference 000, Flow 1), and their repeat
/// calls: a rejected end leaves the session active; a second end or abort answers as the first.
/// </summary>
public sealed class EndAndAbortBadInputTests(StreamBadInputApp fixture) : StreamBadInputTestBase(fixture)
{
    // ================================================================ end

    [Theory]
    [MemberData(nameof(BothFormats))]
    public async Task End_Returns400InvalidField_WhenStoreIsAString_AndSessionStaysActive(BodyFormat format)
    {
        var client = Client(format);
        var sessionId = await StartSessionAsync(App);

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
        var sessionId = await StartSessionAsync(App);

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
        var sessionId = await StartSessionAsync(App);

        var response = await client.PostAsync($"/api/v1/stream/{sessionId}/end", WireValue.Map(("min_duration_s", WireValue.String("3"))));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidField, "min_duration_s must be a finite number");
        Assert.Equal("active", (await client.StatusAsync(sessionId)).String("status"));
    }

    [Fact]
    public async Task End_Returns400InvalidRequest_WhenBodyIsNotAMap()
    {
        var sessionId = await StartSessionAsync(App);

        var response = await Client().PostAsync($"/api/v1/stream/{sessionId}/end", WireValue.Array([WireValue.Boolean(true)]));

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, "must be a map");
        Assert.Equal("active", (await Client().StatusAsync(sessionId)).String("status"));
    }

    [Theory]
    [InlineData("{\"store\": tru}")]
    [InlineData("{\"store\": true} []")]
    public async Task End_Returns400MalformedBody_WhenJsonIsInvalid(string json)
    {
        var sessionId = await StartSessionAsync(App);

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
        var sessionId = await StartSessionAsync(App);
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
        await AssertTrackIsFreeAsync(App, track);
    }

    [Fact]
    public async Task Abort_Returns409SessionEnded_AfterEnd()
    {
        var client = Client();
        var sessionId = await StartSessionAsync(App);
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
        var sessionId = await StartSessionAsync(App);
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
}
