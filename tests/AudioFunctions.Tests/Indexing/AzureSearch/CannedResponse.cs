using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>A response written by a test or the fake service: a status, headers and a JSON body.</summary>
internal sealed class CannedResponse : Response
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public CannedResponse(int status, string? json = null, params (string Name, string Value)[] headers)
    {
        Status = status;
        ReasonPhrase = status switch { 200 => "OK", 201 => "Created", 204 => "No Content", 207 => "Multi-Status", 400 => "Bad Request", 404 => "Not Found", 429 => "Too Many Requests", 503 => "Service Unavailable", _ => "Status" };
        if (json is not null)
        {
            ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(json));
            _headers["Content-Type"] = "application/json; odata.metadata=minimal";
        }
        foreach (var (name, value) in headers)
            _headers[name] = value;
    }

    public override int Status { get; }

    public override string ReasonPhrase { get; }

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = "";

    public override void Dispose() => ContentStream?.Dispose();

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = _headers.TryGetValue(name, out var value) ? [value] : null;
        return values is not null;
    }
}
