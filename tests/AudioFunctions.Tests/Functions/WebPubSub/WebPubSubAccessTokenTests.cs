using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AudioFunctions.Functions.WebPubSub;

namespace AudioFunctions.Tests.Functions.WebPubSub;

public sealed class WebPubSubAccessTokenTests
{
    private const string Key = "access-key-0123456789abcdef";
    private static readonly Uri RequestUri = new("https://example.webpubsub.azure.com/api/hubs/audio/connections/c1/:send?api-version=2024-01-01");
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }

    [Fact]
    public void Create_SignsHeaderAndClaims_WithHmacSha256OfTheKeysText()
    {
        var token = WebPubSubAccessToken.Create(RequestUri, Key, Now);

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.All(parts, part => Assert.DoesNotMatch("[+/=]", part));
        Assert.Equal("""{"alg":"HS256","typ":"JWT"}""", Encoding.UTF8.GetString(FromBase64Url(parts[0])));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.Equal(mac, FromBase64Url(parts[2]));
    }

    [Fact]
    public void Create_NamesTheWholeRequestUrl_AsAudience_AndExpiresInFiveMinutes()
    {
        var token = WebPubSubAccessToken.Create(RequestUri, Key, Now);

        using var claims = JsonDocument.Parse(FromBase64Url(token.Split('.')[1]));
        Assert.Equal(RequestUri.AbsoluteUri, claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal("https://example.webpubsub.azure.com/api/hubs/audio/connections/c1/:send?api-version=2024-01-01",
            claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void SendToConnectionUri_EscapesHubAndConnectionId_AsPathSegments()
    {
        var endpoint = new Uri("https://example.webpubsub.azure.com/");

        Assert.Equal("https://example.webpubsub.azure.com/api/hubs/audio/connections/c1/:send?api-version=2024-01-01",
            WebPubSubRestClient.SendToConnectionUri(endpoint, "audio", "c1").AbsoluteUri);
        Assert.Equal("https://example.webpubsub.azure.com/api/hubs/audio/connections/a%2Fb%3Fc/:send?api-version=2024-01-01",
            WebPubSubRestClient.SendToConnectionUri(endpoint, "audio", "a/b?c").AbsoluteUri);
    }
}
