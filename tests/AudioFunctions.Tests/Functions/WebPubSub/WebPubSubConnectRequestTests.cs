using System.Text;
using AudioFunctions.Errors;
using AudioFunctions.Functions.WebPubSub;

namespace AudioFunctions.Tests.Functions.WebPubSub;

public sealed class WebPubSubConnectRequestTests
{
    private static Dictionary<string, string> Read(string json) => WebPubSubConnectRequest.ReadQuery(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ReadQuery_TakesEachParametersFirstValue_FromTheDocumentedBody()
    {
        var query = Read("""
            {
                "claims": {"sub": ["u1"], "role": ["a", "b"]},
                "query": {"sample_rate": ["48000", "16000"], "channels": ["2"], "user_id": ["user123"], "flag": []},
                "headers": {"User-Agent": ["x"]},
                "subprotocols": [],
                "clientCertificates": [{"thumbprint": "ABC", "content": "-----BEGIN CERTIFICATE-----"}]
            }
            """);

        Assert.Equal(4, query.Count);
        Assert.Equal("48000", query["sample_rate"]);
        Assert.Equal("2", query["channels"]);
        Assert.Equal("user123", query["user_id"]);
        Assert.Equal("", query["flag"]);
    }

    [Fact]
    public void ReadQuery_KeepsKeysAsSent_AndTheFirstOfRepeatedKeys()
    {
        var query = Read("""{"query": {"Sample_Rate": ["8000"], "sample_rate": ["16000"], "channels": ["1"], "channels": ["2"]}}""");

        Assert.Equal("8000", query["Sample_Rate"]);
        Assert.Equal("16000", query["sample_rate"]);
        Assert.Equal("1", query["channels"]);
    }

    [Fact]
    public void ReadQuery_AcceptsAPlainStringValue()
    {
        Assert.Equal("16000", Read("""{"query": {"sample_rate": "16000"}}""")["sample_rate"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"query": null}""")]
    [InlineData("""{"query": {}}""")]
    public void ReadQuery_IsEmpty_WhenThereIsNoQuery(string json)
    {
        Assert.Empty(Read(json));
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"query": ["a"]}""", "\"query\" is not an object")]
    [InlineData("""{"query": {"sample_rate": [48000]}}""", "\"sample_rate\" holds a Number")]
    [InlineData("""{"query": {"channels": {"x": 1}}}""", "\"channels\" holds a Object")]
    [InlineData("""{"query": {}} trailing""", "not JSON")]
    public void ReadQuery_Refuses_AMalformedBody_With400(string json, string detail)
    {
        var failure = Assert.Throws<ServiceException>(() => Read(json));

        Assert.Equal(ErrorKind.BadRequest, failure.Kind);
        Assert.Equal(ErrorCodes.MalformedBody, failure.Code);
        Assert.Contains(detail, failure.Message, StringComparison.Ordinal);
    }
}
