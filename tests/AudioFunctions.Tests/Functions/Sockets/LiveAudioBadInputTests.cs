using System.Net;
using System.Text.Json.Nodes;
using AudioFunctions.Audio;
using AudioFunctions.Errors;
using AudioFunctions.Tests.Infrastructure;
using static AudioFunctions.Tests.Functions.Sockets.LiveAudioExpectations;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// Bad input to the live audio API (reference 001): query parameters and session ids refused at
/// connect with 1008, the HTTP session endpoints' 404 and 422, and the connection limit of one
/// session. None creates a session or changes one.
/// </summary>
public sealed class LiveAudioBadInputTests(LiveAudioBadInputApp fixture) : IClassFixture<LiveAudioBadInputApp>
{
    private const string SampleRates = "valid values: 8000, 16000, 22050, 44100, 48000, 96000";
    private const string ChannelCounts = "valid values: 1, 2";
    private const string Formats = "valid values: wav, mp3, flac, aac, pcm_s16_le, pcm_s24_le, pcm_f32_le";

    private AppInstance App => fixture.App;

    public static TheoryData<string, string[]> InvalidQueries() => new()
    {
        { "sample_rate=12345", ["sample_rate '12345'", SampleRates] },
        { "sample_rate=abc", ["sample_rate 'abc'", SampleRates] },
        { "sample_rate=-44100", ["sample_rate '-44100'", SampleRates] },
        { "sample_rate=", ["sample_rate ''", SampleRates] },
        { "sample_rate=0", ["sample_rate '0'", SampleRates] },
        { "sample_rate=44100.0", ["sample_rate '44100.0'", SampleRates] },
        { "sample_rate=%2B44100", ["sample_rate '+44100'", SampleRates] },
        { "sample_rate=99999999999999999999", ["sample_rate", SampleRates] },
        { "channels=0", ["channels '0'", ChannelCounts] },
        { "channels=3", ["channels '3'", ChannelCounts] },
        { "channels=x", ["channels 'x'", ChannelCounts] },
        { "channels=", ["channels ''", ChannelCounts] },
        { "format=ogg", ["format 'ogg'", Formats] },
        { "format=WAV", ["format 'WAV'", Formats] },
        { "format=pcm_u8", ["format 'pcm_u8'", Formats] },
        { "format=", ["Invalid format ''", "valid values: wav, mp3, flac, aac"] },
        { "channels=2&channels=7", ["channels", "given 2 times"] },
        { "user_id=" + new string('u', 257), ["user_id", "1 to 256 characters"] },
        { "user_id=%20%20%20", ["user_id", "1 to 256 characters", "not blank"] },
        { "user_id=", ["user_id", "1 to 256 characters"] },
        { "track_id=" + new string('t', 513), ["track_id", "1 to 512 characters"] },
        { "track_id=%09", ["track_id", "1 to 512 characters", "not blank"] },
        { "track_id=", ["track_id", "1 to 512 characters"] },
        // One bad parameter among good ones is enough.
        { "sample_rate=48000&format=flac&user_id=u&track_id=t&channels=7", ["channels '7'", ChannelCounts] },
    };

    // ================================================================ opening a session

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public async Task NewSession_IsRefusedWith1008NamingTheParameter_AndCreatesNothing(string query, string[] reasonParts)
    {
        var before = await SessionCountsAsync(App);

        await using var client = await LiveAudioClient.ConnectAsync(App, "?" + query);

        await AssertRefusedAsync(client, PolicyViolation, reasonParts);
        Assert.Equal(before, await SessionCountsAsync(App));
    }

    [Fact]
    public async Task NewSession_IsRefusedWith1008_WhenItsTrackAlreadyHasAnActiveSession()
    {
        var trackId = "busy-" + Guid.NewGuid().ToString("N");
        var (first, firstId) = await LiveAudioClient.OpenSessionAsync(App, $"format=pcm_s16_le&track_id={trackId}");
        await using var _ = first;
        var before = await SessionCountsAsync(App);

        await using var second = await LiveAudioClient.ConnectAsync(App, $"?format=pcm_s16_le&track_id={trackId}");

        await AssertRefusedAsync(second, PolicyViolation, $"Track '{trackId}' already has an active session ({firstId})");
        Assert.Equal(before, await SessionCountsAsync(App));
        AssertAck(await first.SendChunkAsync(new byte[4]), firstId, 1);
    }

    [Fact]
    public async Task ExistingSession_IsRefusedWith1008_WhenTheIdIsAnUnknownUuid()
    {
        var id = Guid.NewGuid().ToString("D");
        var before = await SessionCountsAsync(App);

        await using var client = await LiveAudioClient.ConnectAsync(App, "/" + id);

        await AssertRefusedAsync(client, PolicyViolation, $"No session '{id}' exists");
        Assert.Equal(before, await SessionCountsAsync(App));
        Assert.False(await RecordExistsAsync(App, id));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("12345")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("not-a-uuid-at-all-not-a-uuid-at-all-xx")]
    [InlineData("%7B00000000-0000-0000-0000-000000000000%7D")]
    public async Task ExistingSession_IsRefusedWith1008_WhenTheIdIsNotAUuid(string id)
    {
        var before = await SessionCountsAsync(App);

        await using var client = await LiveAudioClient.ConnectAsync(App, "/" + id);

        await AssertRefusedAsync(client, PolicyViolation, "Invalid session id", "session ids are UUIDs");
        Assert.Equal(before, await SessionCountsAsync(App));
    }

    [Fact]
    public async Task ExistingSession_IsRefusedWith1008_WhenTheSessionHasEnded()
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using (client)
        {
            AssertAck(await client.SendChunkAsync(TestSignals.Sine(new StreamAudioFormat(PcmEncoding.S16Le, 16_000, 1), 0.02)), sessionId, 1);
            Assert.Equal("completed", (string?)(await client.CloseSessionAsync())["status"]);
        }
        var before = await InfoAsync(App, sessionId);

        await using var late = await LiveAudioClient.ConnectAsync(App, "/" + sessionId);

        await AssertRefusedAsync(late, PolicyViolation, $"Session {sessionId} has ended");
        Assert.Equal(before.ToJsonString(), (await InfoAsync(App, sessionId)).ToJsonString());
    }

    [Theory]
    [InlineData("/api/ws/audio")]
    [InlineData("/api/ws/audio/00000000-0000-0000-0000-000000000000")]
    public async Task SocketEndpoint_Returns400InvalidRequest_ToAPlainHttpRequest_AndCreatesNothing(string path)
    {
        var before = await SessionCountsAsync(App);
        using var request = new HttpRequestMessage(HttpMethod.Get, path + "?format=wav");
        request.Headers.Accept.ParseAdd("application/json");

        var (status, _, body) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ErrorCodes.InvalidRequest, (string?)body["error"]);
        Assert.Contains("is a WebSocket endpoint", (string?)body["detail"] ?? "", StringComparison.Ordinal);
        Assert.Equal(before, await SessionCountsAsync(App));
    }

    // ================================================================ connections per session

    [Fact]
    public async Task ThirdConnection_IsRefusedWith1008_AndOneIsAcceptedAgainAfterAnotherLeaves()
    {
        var (first, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le");
        await using var _ = first;
        var second = await LiveAudioClient.ConnectAsync(App, "/" + sessionId);
        AssertAck(await second.SendChunkAsync(new byte[4]), sessionId, 1);

        await using (var third = await LiveAudioClient.ConnectAsync(App, "/" + sessionId))
            await AssertRefusedAsync(third, PolicyViolation,
                $"already has {LiveAudioBadInputApp.MaxConnectionsPerSession} connections", "the most one session may have");

        // The refused connection took no slot and changed nothing; both others still stream.
        Assert.Equal(LiveAudioBadInputApp.MaxConnectionsPerSession, (await StoredAudio.RecordAsync(App.Services, sessionId)).Connections.Count);
        AssertAck(await first.SendChunkAsync(new byte[4]), sessionId, 2);
        AssertAck(await second.SendChunkAsync(new byte[4]), sessionId, 3);

        await second.DisposeAsync();
        Assert.True(await PipelineProbe.EventuallyAsync(
            async () => (await StoredAudio.RecordAsync(App.Services, sessionId)).Connections.Count == 1, TimeSpan.FromSeconds(10)));
        await using var fourth = await LiveAudioClient.ConnectAsync(App, "/" + sessionId);
        AssertAck(await fourth.SendChunkAsync(new byte[4]), sessionId, 4);
        Assert.Equal(16, (await StoredAudio.ReadAsync(App.Services, sessionId)).Length);
    }

    // ================================================================ HTTP session endpoints

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/close")]
    public async Task SessionEndpoint_Returns404SessionNotFound_ForAnUnknownUuid(string method, string suffix)
    {
        var id = Guid.NewGuid().ToString("D");
        var before = await SessionCountsAsync(App);

        var (status, contentType, body) = await SendAsync(new HttpMethod(method), $"/api/audio/sessions/{id}{suffix}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/json", contentType);
        Assert.Equal(ErrorCodes.SessionNotFound, (string?)body["error"]);
        Assert.Contains(id, (string?)body["detail"] ?? "", StringComparison.Ordinal);
        Assert.Equal(before, await SessionCountsAsync(App));
        Assert.False(await RecordExistsAsync(App, id));
    }

    [Theory]
    [InlineData("GET", "not-a-uuid", "")]
    [InlineData("GET", "00000000000000000000000000000000", "")]
    [InlineData("GET", "12345", "")]
    [InlineData("POST", "not-a-uuid", "/close")]
    [InlineData("POST", "00000000000000000000000000000000", "/close")]
    public async Task SessionEndpoint_Returns422InvalidSessionId_ForAnIdThatIsNotAUuid(string method, string id, string suffix)
    {
        var before = await SessionCountsAsync(App);

        var (status, contentType, body) = await SendAsync(new HttpMethod(method), $"/api/audio/sessions/{id}{suffix}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("application/json", contentType);
        Assert.Equal(ErrorCodes.InvalidSessionId, (string?)body["error"]);
        Assert.Contains($"'{id}'", (string?)body["detail"] ?? "", StringComparison.Ordinal);
        Assert.Contains("UUID", (string?)body["detail"] ?? "", StringComparison.Ordinal);
        Assert.Equal(before, await SessionCountsAsync(App));
    }

    [Fact]
    public async Task SessionEndpoint_Close_OfAnEndedSession_ChangesNothing()
    {
        var (client, sessionId) = await LiveAudioClient.OpenSessionAsync(App, "format=pcm_s16_le&sample_rate=16000");
        await using (client)
            Assert.Equal("completed", (string?)(await client.CloseSessionAsync())["status"]);
        var before = await InfoAsync(App, sessionId);

        var (status, _, body) = await SendAsync(HttpMethod.Post, $"/api/audio/sessions/{sessionId}/close");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(before.ToJsonString(), body["session_info"]!.ToJsonString());
        Assert.Equal(before.ToJsonString(), (await InfoAsync(App, sessionId)).ToJsonString());
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonObject Body)> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        return await SendAsync(request);
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonObject Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await App.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, JsonNode.Parse(text)!.AsObject());
    }
}
