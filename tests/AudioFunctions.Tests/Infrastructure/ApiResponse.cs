using System.Net;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>A parsed API response: status, content type, body tree and headers.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string? ContentType, WireValue? Body, IReadOnlyDictionary<string, string> Headers)
{
    public WireValue Field(string name)
    {
        Assert.NotNull(Body);
        Assert.True(Body!.TryGetProperty(name, out var value), $"response has no '{name}': {Body}");
        return value;
    }

    public string String(string name) => Field(name).AsString();

    public long Integer(string name) => Field(name).TryGetInt64(out var v) ? v : throw new Xunit.Sdk.XunitException($"'{name}' is not an integer: {Body}");

    public double Number(string name) => Field(name).TryGetDouble(out var v) ? v : throw new Xunit.Sdk.XunitException($"'{name}' is not a number: {Body}");

    public bool Boolean(string name) => Field(name).AsBoolean();

    public string ErrorCode => String("error");

    public ApiResponse AssertStatus(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"expected {(int)expected} but got {(int)Status}: {Body}");
        return this;
    }

    /// <summary>Asserts the error contract: the status, <c>{error, detail}</c> with this code and a detail mentioning <paramref name="detailContains"/>.</summary>
    public ApiResponse AssertError(HttpStatusCode expected, string code, string? detailContains = null)
    {
        AssertStatus(expected);
        Assert.Equal(code, ErrorCode);
        var detail = String("detail");
        Assert.False(string.IsNullOrWhiteSpace(detail));
        if (detailContains is not null)
            Assert.Contains(detailContains, detail, StringComparison.OrdinalIgnoreCase);
        return this;
    }
}
