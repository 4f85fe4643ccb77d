using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// Plays Web PubSub's data-plane REST API on Kestrel at 127.0.0.1 (a free port): the "Send To
/// Connection" request exactly as documented, checked independently of the app's code. A request
/// is accepted (202) only when it is <c>POST /api/hubs/{hub}/connections/{connectionId}/:send</c>
/// with <c>api-version=2024-01-01</c>, a documented body type, and
/// <c>Authorization: Bearer &lt;JWT&gt;</c> signed HS256 with the access key's UTF-8 text, whose
/// <c>aud</c> is the request URL (query included) and whose <c>exp</c> is still ahead. Otherwise it
/// answers 405, 404, 400, 415 or 401 with an <c>x-ms-error-code</c>. Every request is recorded.
/// </summary>
public sealed partial class WebPubSubRestService : IAsyncDisposable
{
    public const string ApiVersion = "2024-01-01";

    /// <summary>What the service documents for a message body.</summary>
    private static readonly string[] MessageMediaTypes = ["application/octet-stream", "text/plain", "application/json"];

    private readonly WebApplication _app;
    private readonly string _accessKey;
    private readonly bool _stall;
    private readonly List<Request> _requests = [];
    private readonly List<Message> _sent = [];

    /// <summary>One request as received and the status it got: 0 while it is being judged, -1 when held until the caller gave up.</summary>
    public sealed record Request(string Method, string Target, string? ContentType, int Status);

    /// <summary>A message accepted for a connection.</summary>
    public sealed record Message(string Hub, string ConnectionId, string ContentType, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    private WebPubSubRestService(string accessKey, bool stall)
    {
        _accessKey = accessKey;
        _stall = stall;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(ServeAsync);
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>, as <c>WEBPUBSUB__ENDPOINT</c> names the service.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<Request> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    public IReadOnlyList<Message> Sent
    {
        get { lock (_sent) return [.. _sent]; }
    }

    /// <summary>
    /// Starts the service, verifying tokens with <paramref name="accessKey"/>. With
    /// <paramref name="stall"/> it records each request and then never answers it.
    /// </summary>
    public static async Task<WebPubSubRestService> StartAsync(string accessKey, bool stall = false)
    {
        var service = new WebPubSubRestService(accessKey, stall);
        await service._app.StartAsync();
        var address = service._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        service.Endpoint = new Uri(address);
        return service;
    }

    /// <summary>An endpoint on 127.0.0.1 where nothing listens: a port just freed.</summary>
    public static Uri ClosedEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    /// <summary>A JWT as the REST API takes it: header <c>{"alg":…,"typ":"JWT"}</c>, the given claims, HMAC-SHA256 under the key's UTF-8.</summary>
    public static string Token(string accessKey, string? audience, DateTimeOffset? expires, string algorithm = "HS256")
    {
        var claims = new Dictionary<string, object>();
        if (audience is not null)
            claims["aud"] = audience;
        if (expires is { } exp)
            claims["exp"] = exp.ToUnixTimeSeconds();
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = algorithm, ["typ"] = "JWT" }))
            + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signingInput + "." + Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.ASCII.GetBytes(signingInput)));
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var entry = new Request(request.Method, target, request.ContentType, 0);
        int index;
        lock (_requests)
        {
            _requests.Add(entry);
            index = _requests.Count - 1;
        }

        var status = await JudgeAsync(context, target);
        lock (_requests)
            _requests[index] = entry with { Status = status };
    }

    private async Task<int> JudgeAsync(HttpContext context, string target)
    {
        var request = context.Request;
        if (_stall)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            return -1;
        }
        if (!HttpMethods.IsPost(request.Method))
            return await FailAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed");

        var queryAt = target.IndexOf('?', StringComparison.Ordinal);
        var path = queryAt < 0 ? target : target[..queryAt];
        var match = SendToConnectionPath().Match(path);
        if (!match.Success)
            return await FailAsync(context, StatusCodes.Status404NotFound, "NotFound");
        var query = QueryHelpers.ParseQuery(queryAt < 0 ? "" : target[queryAt..]);
        if (!query.TryGetValue("api-version", out var versions) || versions.Count != 1 || versions[0] != ApiVersion)
            return await FailAsync(context, StatusCodes.Status400BadRequest, "InvalidApiVersion");

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !MessageMediaTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase))
            return await FailAsync(context, StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType");

        var url = $"{request.Scheme}://{request.Host}{target}";
        if (!IsAuthorized(request.Headers.Authorization.ToString(), url))
            return await FailAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized");

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        lock (_sent)
            _sent.Add(new Message(
                Uri.UnescapeDataString(match.Groups["hub"].Value),
                Uri.UnescapeDataString(match.Groups["connection"].Value),
                request.ContentType!,
                body.ToArray()));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return StatusCodes.Status202Accepted;
    }

    /// <summary>The documented JWT rules: HS256 under the access key, <c>aud</c> = the request URL, <c>exp</c> ahead.</summary>
    private bool IsAuthorized(string authorization, string url)
    {
        const string Bearer = "Bearer ";
        if (!authorization.StartsWith(Bearer, StringComparison.Ordinal))
            return false;
        var parts = authorization[Bearer.Length..].Split('.');
        if (parts.Length != 3)
            return false;
        try
        {
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256")
                return false;
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_accessKey), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(parts[2])))
                return false;
            using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
            return claims.RootElement.TryGetProperty("aud", out var aud) && aud.ValueKind == JsonValueKind.String && aud.GetString() == url
                && claims.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                && DateTimeOffset.FromUnixTimeSeconds(seconds) > DateTimeOffset.UtcNow;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<int> FailAsync(HttpContext context, int status, string errorCode)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-error-code"] = errorCode;
        await context.Response.WriteAsync(errorCode);
        return status;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }

    [GeneratedRegex("^/api/hubs/(?<hub>[A-Za-z][A-Za-z0-9_]{0,127})/connections/(?<connection>[^/]+)/:send$")]
    private static partial Regex SendToConnectionPath();
}
