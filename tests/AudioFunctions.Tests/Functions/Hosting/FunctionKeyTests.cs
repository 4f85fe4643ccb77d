using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Functions.Hosting;

/// <summary>
/// Local enforcement of function keys: off unless <c>AUTH__FUNCTION_KEY</c> is set; then every
/// function-level route needs <c>x-functions-key</c> or <c>?code=</c>, and anonymous ones do not.
/// </summary>
public sealed class FunctionKeyTests(FunctionKeyApps apps) : IClassFixture<FunctionKeyApps>
{
    private const string TimerInvocation =
        """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"SweepExpiredSessions","UtcNow":"2026-01-01T00:00:00Z","RandGuid":"x"}}}""";

    private static string NewTrack() => "key-" + Guid.NewGuid().ToString("N");

    private static WireValue StartBody(string trackId) => WireValue.Map(
        ("track_id", WireValue.String(trackId)),
        ("format", WireValue.String("pcm_s16_le")),
        ("sample_rate", WireValue.Integer(44100)),
        ("channels", WireValue.Integer(2)));

    private static readonly byte[] Frame = new byte[400];

    /// <summary>A request to one route; <paramref name="path"/> may hold a query.</summary>
    private static HttpRequestMessage Request(HttpMethod method, string path, byte[]? body = null, string? contentType = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? MediaTypes.MsgPack);
        }
        if (key is not null)
            request.Headers.Add("x-functions-key", key);
        return request;
    }

    private static async Task<ApiResponse> SendAsync(AppInstance app, HttpRequestMessage request)
    {
        using (request)
            return await new StreamApiClient(app.Client).SendAsync(request);
    }

    private static string WithQuery(string path, string query) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    /// <summary>Every keyed route, as (name, method, path, body, content type), for a session that exists.</summary>
    private static IEnumerable<(string Name, HttpMethod Method, string Path, byte[]? Body, string? ContentType)> Routes(string sessionId, string trackId) =>
    [
        ("start", HttpMethod.Post, "/api/v1/stream/start", MsgPackCodec.Serialize(StartBody(trackId)), MediaTypes.MsgPack),
        ("frames", HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames", Frame, MediaTypes.OctetStream),
        ("status", HttpMethod.Get, $"/api/v1/stream/{sessionId}/status", null, null),
        ("end", HttpMethod.Post, $"/api/v1/stream/{sessionId}/end", MsgPackCodec.Serialize(WireValue.Map(("store", WireValue.Boolean(true)))), MediaTypes.MsgPack),
        ("abort", HttpMethod.Delete, $"/api/v1/stream/{sessionId}", null, null),
        ("sweep", HttpMethod.Post, "/SweepExpiredSessions", Encoding.UTF8.GetBytes(TimerInvocation), MediaTypes.Json),
    ];

    private static async Task<string> StartWithKeyAsync(AppInstance app, string trackId)
    {
        var response = await SendAsync(app, Request(HttpMethod.Post, "/api/v1/stream/start", MsgPackCodec.Serialize(StartBody(trackId)), key: FunctionKeyApps.Key));
        response.AssertStatus(HttpStatusCode.OK);
        return response.String("session_id");
    }

    // ---------------------------------------------------------------- no key configured

    [Fact]
    public async Task EveryRoute_WorksWithoutAKey_WhenNoKeyIsConfigured()
    {
        var app = apps.Open;
        var client = new StreamApiClient(app.Client);
        var track = NewTrack();

        var start = await client.StartAsync(track);
        start.AssertStatus(HttpStatusCode.OK);
        var sessionId = start.String("session_id");
        (await client.SendFrameAsync(sessionId, Frame)).AssertStatus(HttpStatusCode.OK);
        (await client.StatusAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        var other = await client.StartSessionAsync(NewTrack());
        Assert.Equal("aborted", (await client.AbortAsync(other)).AssertStatus(HttpStatusCode.OK).String("status"));
        Assert.Equal("healthy", (await client.SendAsync(HttpMethod.Get, "/api/health")).AssertStatus(HttpStatusCode.OK).String("status"));
        var sweep = await SendAsync(app, Request(HttpMethod.Post, "/SweepExpiredSessions", Encoding.UTF8.GetBytes(TimerInvocation), MediaTypes.Json));
        sweep.AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnyKey_IsIgnored_WhenNoKeyIsConfigured()
    {
        var response = await SendAsync(apps.Open, Request(HttpMethod.Post, "/api/v1/stream/start", MsgPackCodec.Serialize(StartBody(NewTrack())), key: "whatever"));

        response.AssertStatus(HttpStatusCode.OK);
    }

    // ---------------------------------------------------------------- key k1 configured

    public static TheoryData<string> KeyedRouteNames() => new("start", "frames", "status", "end", "abort", "sweep");

    [Theory]
    [MemberData(nameof(KeyedRouteNames))]
    public async Task Route_Returns401Unauthorized_WithoutAKey_AndChangesNothing(string name)
    {
        var app = apps.Keyed;
        var track = NewTrack();
        var sessionId = await StartWithKeyAsync(app, track);
        var startTrack = NewTrack();
        var route = Routes(sessionId, startTrack).Single(r => r.Name == name);

        var response = await SendAsync(app, Request(route.Method, route.Path, route.Body, route.ContentType));

        response.AssertError(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, "x-functions-key");
        var record = await StoredAudio.RecordAsync(app.Services, sessionId);
        Assert.Equal(AudioFunctions.Sessions.SessionStatus.Active, record.Status);
        Assert.Equal(0, record.TotalBytes);
        // A refused start claimed nothing: the same track starts now.
        await StartWithKeyAsync(app, startTrack);
    }

    public static TheoryData<string, string> WrongKeys()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in new[] { "start", "frames", "status", "end", "abort", "sweep" })
        {
            data.Add(name, "header:k2");
            data.Add(name, "query:k2");
        }
        data.Add("start", "header:K1");
        data.Add("start", "header:k1k1");
        data.Add("start", "query:k");
        data.Add("start", "query:");
        return data;
    }

    [Theory]
    [MemberData(nameof(WrongKeys))]
    public async Task Route_Returns401Unauthorized_WithAWrongKey(string name, string key)
    {
        var app = apps.Keyed;
        var sessionId = await StartWithKeyAsync(app, NewTrack());
        var route = Routes(sessionId, NewTrack()).Single(r => r.Name == name);
        var (where, value) = (key[..key.IndexOf(':', StringComparison.Ordinal)], key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var path = where == "query" ? WithQuery(route.Path, "code=" + Uri.EscapeDataString(value)) : route.Path;

        var response = await SendAsync(app, Request(route.Method, path, route.Body, route.ContentType, where == "header" ? value : null));

        response.AssertError(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, "x-functions-key");
        Assert.Equal(AudioFunctions.Sessions.SessionStatus.Active, (await StoredAudio.RecordAsync(app.Services, sessionId)).Status);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task EveryRoute_Works_WithTheKey(string where)
    {
        var app = apps.Keyed;
        var sessionId = await StartWithKeyAsync(app, NewTrack());
        var toAbort = await StartWithKeyAsync(app, NewTrack());

        foreach (var route in Routes(sessionId, NewTrack()))
        {
            var path = route.Name == "abort" ? $"/api/v1/stream/{toAbort}" : route.Path;
            if (where == "query")
                path = WithQuery(path, "code=" + FunctionKeyApps.Key);

            var response = await SendAsync(app, Request(route.Method, path, route.Body, route.ContentType, where == "header" ? FunctionKeyApps.Key : null));

            Assert.True(response.Status == HttpStatusCode.OK, $"{route.Name} with the key in the {where}: {(int)response.Status} {response.Body}");
        }
        Assert.Equal(AudioFunctions.Sessions.SessionStatus.Completed, (await StoredAudio.RecordAsync(app.Services, sessionId)).Status);
        Assert.Equal(Frame.Length, (await StoredAudio.RecordAsync(app.Services, sessionId)).TotalBytes);
        Assert.Equal(AudioFunctions.Sessions.SessionStatus.Aborted, (await StoredAudio.RecordAsync(app.Services, toAbort)).Status);
    }

    [Fact]
    public async Task Frames_WithSeqAndCodeInTheQuery_IsAccepted()
    {
        var app = apps.Keyed;
        var sessionId = await StartWithKeyAsync(app, NewTrack());

        var response = await SendAsync(app, Request(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames?seq=0&code={FunctionKeyApps.Key}", Frame, MediaTypes.OctetStream));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, response.Integer("next_seq"));
    }

    [Fact]
    public async Task KeyCheck_ComesBeforeTheSessionLookup_ForAnUnknownSession()
    {
        var id = Guid.NewGuid().ToString("D");

        var without = await SendAsync(apps.Keyed, Request(HttpMethod.Get, $"/api/v1/stream/{id}/status"));
        var with = await SendAsync(apps.Keyed, Request(HttpMethod.Get, $"/api/v1/stream/{id}/status", key: FunctionKeyApps.Key));

        without.AssertError(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        with.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, id);
    }

    [Fact]
    public async Task KeyCheck_ComesBeforeBodyValidation()
    {
        var response = await SendAsync(apps.Keyed, Request(HttpMethod.Post, "/api/v1/stream/start", [0xc1], MediaTypes.MsgPack));

        response.AssertError(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task WrongHeader_IsNotRescuedByARightQueryCode()
    {
        // As in the Functions host, the header is read first; the query only when the header is absent.
        var response = await SendAsync(apps.Keyed, Request(HttpMethod.Post, $"/api/v1/stream/start?code={FunctionKeyApps.Key}",
            MsgPackCodec.Serialize(StartBody(NewTrack())), key: "k2"));

        response.AssertError(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task Health_Works_WithoutAKey_BecauseItIsAnonymous()
    {
        var response = await SendAsync(apps.Keyed, Request(HttpMethod.Get, "/api/health"));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("healthy", response.String("status"));
    }

    [Fact]
    public async Task Sweep_Returns401_WithoutAKey_And200_WithIt()
    {
        var without = await SendAsync(apps.Keyed, Request(HttpMethod.Post, "/SweepExpiredSessions", Encoding.UTF8.GetBytes(TimerInvocation), MediaTypes.Json));
        var with = await SendAsync(apps.Keyed, Request(HttpMethod.Post, "/SweepExpiredSessions", Encoding.UTF8.GetBytes(TimerInvocation), MediaTypes.Json, FunctionKeyApps.Key));

        without.AssertError(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized, "x-functions-key");
        Assert.Equal(MediaTypes.Json, without.ContentType);
        with.AssertStatus(HttpStatusCode.OK);
    }
}
