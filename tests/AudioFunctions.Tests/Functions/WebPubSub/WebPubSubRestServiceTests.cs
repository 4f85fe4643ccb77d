using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// The stand-in for Web PubSub's REST API holds requests to the documented rules, so that a
/// greeting it accepts is one the real service would take: each rule broken alone is refused.
/// </summary>
public sealed class WebPubSubRestServiceTests : IAsyncLifetime
{
    private const string Key = "rest-access-key-0123456789";
    private const string ConnectionId = "conn-1";

    private WebPubSubRestService _rest = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _rest = await WebPubSubRestService.StartAsync(Key);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _rest.DisposeAsync();
    }

    private string Url(string path = $"/api/hubs/audio/connections/{ConnectionId}/:send", string query = "?api-version=2024-01-01") =>
        $"http://127.0.0.1:{_rest.Endpoint.Port}{path}{query}";

    private async Task<HttpStatusCode> SendAsync(string url, string? token, string contentType = "text/plain", string method = "POST")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("hello"));
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private static string ValidToken(string url) => WebPubSubRestService.Token(Key, url, DateTimeOffset.UtcNow.AddMinutes(5));

    [Fact]
    public async Task AcceptsTheDocumentedRequest_AndRecordsTheMessage()
    {
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(Url(), ValidToken(Url())));

        var sent = Assert.Single(_rest.Sent);
        Assert.Equal(("audio", ConnectionId, "text/plain", "hello"), (sent.Hub, sent.ConnectionId, sent.ContentType, sent.Text));
    }

    /// <summary>Tokens that break one rule each: key, aud without or with more query, expired, no exp, no aud, another algorithm, not a JWT.</summary>
    private static string[] BadTokens(string url) =>
    [
        WebPubSubRestService.Token("another-key", url, DateTimeOffset.UtcNow.AddMinutes(5)),
        WebPubSubRestService.Token(Key, url.Split('?')[0], DateTimeOffset.UtcNow.AddMinutes(5)),
        WebPubSubRestService.Token(Key, url + "&x=1", DateTimeOffset.UtcNow.AddMinutes(5)),
        WebPubSubRestService.Token(Key, url, DateTimeOffset.UtcNow.AddMinutes(-1)),
        WebPubSubRestService.Token(Key, url, expires: null),
        WebPubSubRestService.Token(Key, audience: null, DateTimeOffset.UtcNow.AddMinutes(5)),
        WebPubSubRestService.Token(Key, url, DateTimeOffset.UtcNow.AddMinutes(5), algorithm: "HS512"),
        "not-a-jwt",
    ];

    [Fact]
    public async Task Refuses_ATokenBreakingAnyRule_OrNone_With401()
    {
        var url = Url();
        foreach (var token in BadTokens(url))
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(url, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(url, token: null));

        Assert.Empty(_rest.Sent);
    }

    [Fact]
    public async Task Refuses_AnotherMethod_Path_ApiVersion_OrBodyType()
    {
        Assert.Equal(HttpStatusCode.MethodNotAllowed, await SendAsync(Url(), ValidToken(Url()), method: "PUT"));
        var groupUrl = Url(path: "/api/hubs/audio/groups/g/:send");
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(groupUrl, ValidToken(groupUrl)));
        var oldVersion = Url(query: "?api-version=2021-10-01");
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(oldVersion, ValidToken(oldVersion)));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await SendAsync(Url(), ValidToken(Url()), contentType: "text/html"));

        Assert.Empty(_rest.Sent);
        Assert.Equal(4, _rest.Requests.Count);
    }
}
