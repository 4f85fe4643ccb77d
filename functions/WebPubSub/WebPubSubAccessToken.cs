using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// The bearer token of a data-plane REST call signed with an access key
/// (reference-rest-api-data-plane, "Authenticate via Azure Web PubSub Service AccessKey"): a JWT
/// signed with <c>HS256</c> under the access key, whose required claims are <c>aud</c>, "the SAME
/// as your HTTP request url", and <c>exp</c>, the expiry in epoch seconds.
/// </summary>
/// <remarks>
/// <para>
/// <c>aud</c> is the whole request URL, query string included: the current page's example audience
/// is <c>https://example.webpubsub.azure.com/api/hubs/myhub/:send?api-version=2022-11-01</c>, and
/// Microsoft's SDKs sign the request URI's <c>AbsoluteUri</c>. (An older revision of the page said
/// the query was left out; the service accepts the SDKs' full URL.)
/// </para>
/// <para>
/// The HMAC key is the access key's text as UTF-8, not its base64 decoding: the .NET SDK's
/// authentication policy signs with <c>Encoding.UTF8.GetBytes(key)</c>, noting that the service
/// takes the key as the portal shows it. The same holds for <c>ce-signature</c>.
/// </para>
/// </remarks>
public static class WebPubSubAccessToken
{
    /// <summary>
    /// How long a token is valid. One token serves one request sent at once, so a short life
    /// limits what a leaked token allows; the Azure SDKs use five minutes, which also absorbs
    /// clock skew between the app and the service.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary><c>{"alg":"HS256","typ":"JWT"}</c>, base64url.</summary>
    private static readonly string EncodedHeader = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    /// <summary>
    /// A token for one request to <paramref name="requestUri"/> (its <see cref="Uri.AbsoluteUri"/>
    /// becomes <c>aud</c>, so it must be the URI the request is sent to), issued at
    /// <paramref name="now"/> (<c>iat</c>) and expiring <see cref="Lifetime"/> later (<c>exp</c>).
    /// </summary>
    public static string Create(Uri requestUri, string accessKey, DateTimeOffset now)
    {
        var claims = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(claims))
        {
            writer.WriteStartObject();
            writer.WriteString("aud", requestUri.AbsoluteUri);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            writer.WriteEndObject();
        }

        // JWS compact serialization (RFC 7515): the MAC is over "<header>.<claims>" in ASCII.
        var signingInput = EncodedHeader + "." + Base64Url.EncodeToString(claims.WrittenSpan);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(mac);
    }
}
