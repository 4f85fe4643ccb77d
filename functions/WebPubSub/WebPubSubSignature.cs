using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace AudioFunctions.Functions.WebPubSub;

/// <summary>
/// The <c>ce-signature</c> check. Per "CloudEvents extension for Azure Web PubSub event handler
/// with HTTP protocol" (reference-cloud-events), the service signs every event with each of its
/// access keys: <c>sha256=hex(HMAC_SHA256(key, connectionId))</c>, the values joined by commas
/// (primary first). The HMAC key is the access key's text as UTF-8 (not its base64 decoding), the
/// message the <c>ce-connectionId</c> value as UTF-8; the service writes lowercase hex.
/// </summary>
public static class WebPubSubSignature
{
    public const string Prefix = "sha256=";

    /// <summary>Bytes of an HMAC-SHA256.</summary>
    private const int MacBytes = 32;

    /// <summary>The signature the service sends for <paramref name="connectionId"/> under <paramref name="accessKey"/>.</summary>
    public static string Compute(string accessKey, string connectionId) =>
        Prefix + Convert.ToHexStringLower(Mac(accessKey, connectionId));

    /// <summary>
    /// Whether any <c>sha256=</c> value of <paramref name="header"/> (one or several header lines,
    /// each a comma list) is the MAC of <paramref name="connectionId"/> under any of
    /// <paramref name="accessKeys"/>. Hex compares case-insensitively; MACs compare in constant time.
    /// No key, no connection id or no well-formed value is never valid.
    /// </summary>
    public static bool IsValid(StringValues header, string? connectionId, IReadOnlyList<string> accessKeys)
    {
        if (string.IsNullOrEmpty(connectionId) || accessKeys.Count == 0 || StringValues.IsNullOrEmpty(header))
            return false;

        var expected = new byte[accessKeys.Count][];
        for (var i = 0; i < accessKeys.Count; i++)
            expected[i] = Mac(accessKeys[i], connectionId);

        Span<byte> presented = stackalloc byte[MacBytes];
        var valid = false;
        foreach (var line in header)
        {
            foreach (var range in line.AsSpan().Split(','))
            {
                if (!TryReadMac(line.AsSpan()[range].Trim(), presented))
                    continue;
                // Every presented value is compared with every key, whether or not one matched yet.
                foreach (var mac in expected)
                    valid |= CryptographicOperations.FixedTimeEquals(presented, mac);
            }
        }
        return valid;
    }

    private static byte[] Mac(string accessKey, string connectionId) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.UTF8.GetBytes(connectionId));

    /// <summary>Reads <c>sha256=</c> and 64 hex digits (either case) into <paramref name="mac"/>; false for anything else.</summary>
    private static bool TryReadMac(ReadOnlySpan<char> value, Span<byte> mac)
    {
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            return false;
        var hex = value[Prefix.Length..];
        return hex.Length == 2 * MacBytes
            && Convert.FromHexString(hex, mac, out var consumed, out var written) == OperationStatus.Done
            && consumed == hex.Length
            && written == MacBytes;
    }
}
