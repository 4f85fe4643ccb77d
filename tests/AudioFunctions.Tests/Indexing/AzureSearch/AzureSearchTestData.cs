using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;
using AudioFunctions.Tracks;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>Backends wired to an in-process transport, and the tracks the Azure AI Search tests store.</summary>
internal static class AzureSearchTestData
{
    public const string ApiKey = "test-admin-key";

    /// <summary>Never contacted: every request ends in the test's transport. A loopback address in case one did not.</summary>
    public const string Endpoint = "https://127.0.0.1:9/";

    public static readonly EmbeddingSpace Dsp4 = new("dsp", "1", 4);

    public static AzureSearchOptions Options(string? apiKey = ApiKey) => new()
    {
        Endpoint = Endpoint,
        ApiKey = apiKey,
        IndexPrefix = "af",
        MaxRetries = 3,
        RetryDelayMilliseconds = 1,
    };

    public static AzureSearchBackend Backend(HttpPipelineTransport transport, AzureSearchOptions? options = null, TokenCredential? credential = null) =>
        new(options ?? Options(), NullLogger<AzureSearchBackend>.Instance, credential, transport);

    public static StoredTrack Track(string id, string[]? artists = null, string? album = null, string[]? genres = null) => new()
    {
        TrackId = id,
        SessionId = "session-" + id,
        Metadata = new TrackMetadata { Name = id, Artists = artists ?? [], Album = album, Genres = genres ?? [] },
    };

    public static TrackVector AudioVector(EmbeddingSpace space, params float[] values) => new(VectorCollection.Audio, space, values);
}
