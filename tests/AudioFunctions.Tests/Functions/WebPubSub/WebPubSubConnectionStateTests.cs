using System.Text;
using AudioFunctions.Functions.WebPubSub;

namespace AudioFunctions.Tests.Functions.WebPubSub;

public sealed class WebPubSubConnectionStateTests
{
    [Fact]
    public void Encode_IsBase64OfTheSessionIdAsJson()
    {
        var state = WebPubSubConnectionState.Encode("3f1c2a9e-0b4d-4c55-9a7e-2d6f8e1b0c3a");

        Assert.Equal("""{"sessionId":"3f1c2a9e-0b4d-4c55-9a7e-2d6f8e1b0c3a"}""", Encoding.UTF8.GetString(Convert.FromBase64String(state)));
    }

    [Theory]
    [InlineData("3f1c2a9e-0b4d-4c55-9a7e-2d6f8e1b0c3a")]
    [InlineData("a \"quoted\" id with ünïcode")]
    public void TryDecode_ReadsBack_WhatEncodeWrote(string sessionId)
    {
        Assert.True(WebPubSubConnectionState.TryDecode(WebPubSubConnectionState.Encode(sessionId), out var decoded));
        Assert.Equal(sessionId, decoded);
    }

    [Fact]
    public void Encode_ForANewSession_AddsTheGreetFlag_AndTryDecodeReadsItBack()
    {
        var state = WebPubSubConnectionState.Encode("s-1", greet: true);

        Assert.Equal("""{"sessionId":"s-1","greet":true}""", Encoding.UTF8.GetString(Convert.FromBase64String(state)));
        Assert.True(WebPubSubConnectionState.TryDecode(state, out var sessionId, out var greet));
        Assert.Equal("s-1", sessionId);
        Assert.True(greet);
        Assert.True(WebPubSubConnectionState.TryDecode(state, out var alone));
        Assert.Equal("s-1", alone);
    }

    [Theory]
    [InlineData("""{"sessionId":"s-1"}""")]
    [InlineData("""{"sessionId":"s-1","greet":false}""")]
    [InlineData("""{"sessionId":"s-1","greet":"true"}""")]
    [InlineData("""{"sessionId":"s-1","greet":1}""")]
    [InlineData("""{"sessionId":"s-1","greeting":{"message":"anything"}}""")]
    public void TryDecode_OwesNoGreeting_UnlessTheFlagIsTrue(string json)
    {
        Assert.True(WebPubSubConnectionState.TryDecode(Convert.ToBase64String(Encoding.UTF8.GetBytes(json)), out var sessionId, out var greet));
        Assert.Equal("s-1", sessionId);
        Assert.False(greet);
    }

    [Fact]
    public void TryDecode_Refuses_AGreetFlagWithoutASessionId()
    {
        var state = Convert.ToBase64String("""{"greet":true}"""u8);

        Assert.False(WebPubSubConnectionState.TryDecode(state, out _, out var greet));
        Assert.False(greet);
    }

    [Fact]
    public void TryDecode_ReadsTheSessionId_AmongOtherProperties()
    {
        var state = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"v":{"x":[1,2]},"sessionId":"s-1","more":true}"""));

        Assert.True(WebPubSubConnectionState.TryDecode(state, out var decoded));
        Assert.Equal("s-1", decoded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("eyJrZXkiOiJhIn0=")]                 // {"key":"a"}: the docs' example state, not ours
    [InlineData("c2Vzc2lvbg==")]                     // "session": base64, not JSON
    [InlineData("eyJzZXNzaW9uSWQiOjQyfQ==")]         // {"sessionId":42}
    [InlineData("eyJzZXNzaW9uSWQiOiIifQ==")]         // {"sessionId":""}
    [InlineData("WyJzZXNzaW9uSWQiXQ==")]             // ["sessionId"]
    [InlineData("eyJzZXNzaW9uSWQiOiJ4Ig==")]         // {"sessionId":"x"  (unterminated)
    public void TryDecode_Refuses_StatesItDidNotWrite(string? state)
    {
        Assert.False(WebPubSubConnectionState.TryDecode(state, out _));
    }

    [Fact]
    public void TryDecode_Refuses_AnOversizedState()
    {
        var state = WebPubSubConnectionState.Encode(new string('a', 2000));

        Assert.False(WebPubSubConnectionState.TryDecode(state, out _));
    }
}
