using AudioFunctions.Functions.WebPubSub;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AudioFunctions.Tests.Functions.WebPubSub;

public sealed class WebPubSubEventTests
{
    private static HeaderDictionary DocumentedHeaders() => new()
    {
        ["ce-specversion"] = "1.0",
        ["ce-type"] = "azure.webpubsub.user.message",
        ["ce-source"] = "/hubs/audio/client/conn-1",
        ["ce-id"] = "1",
        ["ce-time"] = "2021-01-01T00:00:00Z",
        ["ce-signature"] = "sha256=00",
        ["ce-userId"] = "user-1",
        ["ce-connectionId"] = "conn-1",
        ["ce-hub"] = "audio",
        ["ce-eventName"] = "message",
        ["ce-connectionState"] = "eyJrZXkiOiJhIn0=",
    };

    [Fact]
    public void TryRead_ReadsTheAttributes_OfADocumentedEvent()
    {
        Assert.True(WebPubSubEvent.TryRead(DocumentedHeaders(), out var read, out var error));

        Assert.Null(error);
        Assert.Equal(new WebPubSubEvent("azure.webpubsub.user.message", "audio", "conn-1", "user-1", "eyJrZXkiOiJhIn0="), read);
    }

    [Fact]
    public void TryRead_LeavesOptionalAttributesNull_WhenAbsent()
    {
        var headers = DocumentedHeaders();
        headers.Remove("ce-userId");
        headers.Remove("ce-connectionState");

        Assert.True(WebPubSubEvent.TryRead(headers, out var read, out _));
        Assert.Null(read!.UserId);
        Assert.Null(read.ConnectionState);
    }

    [Theory]
    [InlineData("ce-type")]
    [InlineData("ce-hub")]
    [InlineData("ce-connectionId")]
    public void TryRead_Refuses_AMissingRequiredAttribute_NamingIt(string name)
    {
        var headers = DocumentedHeaders();
        headers.Remove(name);

        Assert.False(WebPubSubEvent.TryRead(headers, out var read, out var error));
        Assert.Null(read);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_Refuses_TwoConnectionStateHeaders()
    {
        var headers = DocumentedHeaders();
        headers["ce-connectionState"] = new StringValues(["a", "b"]);

        Assert.False(WebPubSubEvent.TryRead(headers, out _, out var error));
        Assert.Contains("ce-connectionState", error, StringComparison.Ordinal);
    }
}
