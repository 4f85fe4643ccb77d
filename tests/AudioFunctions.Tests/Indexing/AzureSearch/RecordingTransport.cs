using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// The HTTP transport of the search clients under test: records every request as it would go on the wire and answers it
/// with <paramref name="respond"/> (a script of documented responses, or <see cref="FakeAzureSearchService"/>). Nothing
/// leaves the process.
/// </summary>
internal sealed class RecordingTransport(Func<CapturedRequest, CannedResponse> respond) : HttpPipelineTransport
{
    private readonly List<CapturedRequest> _requests = [];

    /// <summary>A transport that answers requests in turn from <paramref name="script"/>, failing the test when it runs out.</summary>
    public static RecordingTransport Scripted(params CannedResponse[] script)
    {
        var queue = new Queue<CannedResponse>(script);
        return new RecordingTransport(request => queue.TryDequeue(out var next)
            ? next
            : throw new InvalidOperationException($"No response scripted for {request.Method} {request.Uri}."));
    }

    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_requests)
                return [.. _requests];
        }
    }

    public override Request CreateRequest() => new RecordedRequest();

    public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        var request = message.Request;
        string? body = null;
        if (request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, message.CancellationToken);
            body = Encoding.UTF8.GetString(buffer.ToArray());
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in request.Headers)
            headers[header.Name.ToLowerInvariant()] = header.Value;
        var captured = new CapturedRequest(request.Method.Method, request.Uri.ToUri(), headers, body);
        lock (_requests)
            _requests.Add(captured);
        var response = respond(captured);
        response.ClientRequestId = request.ClientRequestId;
        message.Response = response;
        return ValueTask.CompletedTask;
    }

    /// <summary>A request held in memory: Azure.Core's own request type belongs to its HTTP transport.</summary>
    private sealed class RecordedRequest : Request
    {
        private readonly List<HttpHeader> _headers = [];

        public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

        public override void Dispose()
        {
        }

        protected override void AddHeader(string name, string value) => _headers.Add(new HttpHeader(name, value));

        protected override bool ContainsHeader(string name) => _headers.Exists(h => Is(h, name));

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers;

        protected override bool RemoveHeader(string name) => _headers.RemoveAll(h => Is(h, name)) > 0;

        protected override void SetHeader(string name, string value)
        {
            RemoveHeader(name);
            AddHeader(name, value);
        }

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            var values = _headers.Where(h => Is(h, name)).Select(h => h.Value).ToArray();
            value = values.Length == 0 ? null : string.Join(",", values);
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            var found = _headers.Where(h => Is(h, name)).Select(h => h.Value).ToArray();
            values = found.Length == 0 ? null : found;
            return values is not null;
        }

        private static bool Is(HttpHeader header, string name) => string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase);
    }
}
