using AudioFunctions.Functions.WebPubSub;
using Microsoft.Extensions.Primitives;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>
/// <c>ce-signature</c>: <c>sha256=hex(HMAC_SHA256(accessKey, connectionId))</c> per key. The known
/// values are the ones the Azure Web PubSub SDKs test against (connection id, two keys and their
/// signatures), recomputed independently.
/// </summary>
public sealed class WebPubSubSignatureTests
{
    private const string ConnectionId = "0f9c97a2f0bf4706afe87a14e0797b11";
    private const string PrimaryKey = "7aab239577fd4f24bc919802fb629f5f";
    private const string SecondaryKey = "a5f2815d0d0c4b00bd27e832432f91ab";
    private const string PrimarySignature = "sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab561";
    private const string SecondarySignature = "sha256=d4aefb65547a00a9881fa8ac8bd03d0faf77af9da5205d45c6e57cbda4377760";

    private static readonly string[] BothKeys = [PrimaryKey, SecondaryKey];

    [Fact]
    public void Compute_GivesTheServicesSignature_ForKnownKeys()
    {
        Assert.Equal(PrimarySignature, WebPubSubSignature.Compute(PrimaryKey, ConnectionId));
        Assert.Equal(SecondarySignature, WebPubSubSignature.Compute(SecondaryKey, ConnectionId));
    }

    [Fact]
    public void IsValid_AcceptsTheHeaderTheServiceSends_WithEitherKeyConfigured()
    {
        var header = new StringValues($"{PrimarySignature},{SecondarySignature}");

        Assert.True(WebPubSubSignature.IsValid(header, ConnectionId, BothKeys));
        Assert.True(WebPubSubSignature.IsValid(header, ConnectionId, [PrimaryKey]));
        Assert.True(WebPubSubSignature.IsValid(header, ConnectionId, [SecondaryKey]));
    }

    [Fact]
    public void IsValid_AcceptsASecondaryKeyOnlySignature_WhenBothKeysAreConfigured()
    {
        Assert.True(WebPubSubSignature.IsValid(new StringValues(SecondarySignature), ConnectionId, BothKeys));
    }

    [Fact]
    public void IsValid_AcceptsUppercaseHex_SpacesAroundValues_AndSeveralHeaderLines()
    {
        var upper = "sha256=" + PrimarySignature["sha256=".Length..].ToUpperInvariant();

        Assert.True(WebPubSubSignature.IsValid(new StringValues(upper), ConnectionId, [PrimaryKey]));
        Assert.True(WebPubSubSignature.IsValid(new StringValues($" sha256=00 , {PrimarySignature} "), ConnectionId, [PrimaryKey]));
        Assert.True(WebPubSubSignature.IsValid(new StringValues(["sha256=abc", SecondarySignature]), ConnectionId, [SecondaryKey]));
    }

    [Fact]
    public void IsValid_Refuses_AnotherKeysSignature_OrAnotherConnectionsSignature()
    {
        var otherConnection = WebPubSubSignature.Compute(PrimaryKey, "another-connection");

        Assert.False(WebPubSubSignature.IsValid(new StringValues(PrimarySignature), ConnectionId, ["some-other-key"]));
        Assert.False(WebPubSubSignature.IsValid(new StringValues(SecondarySignature), ConnectionId, [PrimaryKey]));
        Assert.False(WebPubSubSignature.IsValid(new StringValues(otherConnection), ConnectionId, BothKeys));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab561")]                 // no prefix
    [InlineData("sha1=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab561")]            // other algorithm
    [InlineData("sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab5")]            // one byte short
    [InlineData("sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab56100")]        // one byte long
    [InlineData("sha256=7767effcb3946f3e1de039df4b986ef02c110b1469d02c0a06f41b3b727ab56g")]          // not hex
    [InlineData(",,,")]
    public void IsValid_Refuses_MalformedValues(string header)
    {
        Assert.False(WebPubSubSignature.IsValid(new StringValues(header), ConnectionId, BothKeys));
    }

    [Fact]
    public void IsValid_Refuses_NoHeader_NoConnectionId_OrNoKey()
    {
        Assert.False(WebPubSubSignature.IsValid(StringValues.Empty, ConnectionId, BothKeys));
        Assert.False(WebPubSubSignature.IsValid(new StringValues(PrimarySignature), "", BothKeys));
        Assert.False(WebPubSubSignature.IsValid(new StringValues(PrimarySignature), null, BothKeys));
        Assert.False(WebPubSubSignature.IsValid(new StringValues(PrimarySignature), ConnectionId, []));
    }
}
