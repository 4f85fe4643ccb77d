using System.Text.Json.Nodes;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Indexing.AzureSearch;
using AudioFunctions.Storage;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using static AudioFunctions.Tests.Indexing.AzureSearch.AzureSearchTestData;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// The repair pass between the stored tracks (on Azurite) and <see cref="FakeAzureSearchService"/>: what a process that
/// died between saving a track and writing it to the service left behind is found by the version lookup the service
/// documents, and written again; unchanged tracks cost no request.
/// </summary>
public sealed class AzureSearchReconcilerTests : IAsyncLifetime
{
    private const string AudioIndex = "af-audio-dsp-1-4";
    private const string TextIndex = "af-text-lexical-1-4";
    private static readonly EmbeddingSpace Text4 = new("lexical", "1", 4);

    private readonly FakeAzureSearchService _service = new(ApiKey);
    private StorageContainers _containers = null!;
    private TrackStore _store = null!;

    public async Task InitializeAsync()
    {
        var azurite = await AzuriteServer.Shared;
        var storageOptions = Microsoft.Extensions.Options.Options.Create(new StorageOptions { ContainerPrefix = AppInstance.NewPrefix() });
        var account = StorageAccount.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString }).Build(),
            storageOptions.Value);
        _containers = new StorageContainers(account, storageOptions);
        _store = new TrackStore(_containers);
    }

    public async Task DisposeAsync() => await _containers.Tracks.DeleteIfExistsAsync();

    [Fact]
    public async Task Pass_WritesATrackSavedButNeverPushed_WithItsStoredVersion()
    {
        var (backend, reconciler) = NewInstance();
        var version = await SaveAsync("t1", 1);   // the process died before writing it to the service

        Assert.Equal((1, 0), await reconciler.RunPassAsync(default));

        foreach (var index in new[] { AudioIndex, TextIndex })
        {
            var document = _service.Documents(index)[AzureSearchIndexDefinition.DocumentKey("t1")];
            Assert.Equal(version, (string?)document["version"]);
            Assert.Equal([AudioIndex, TextIndex], document["trackIndexes"]!.AsArray().Select(n => (string?)n));
        }
        Assert.True(backend.Versions.IsConfirmed("t1", version));
    }

    [Fact]
    public async Task Pass_LooksUpUnconfirmedTracks_AndWritesAgainOneWhoseServiceVersionIsStale()
    {
        var (_, writer) = NewInstance();
        await SaveAsync("kept", 1);
        await SaveAsync("o'dd,id", 2);   // a quote and a comma: the lookup picks another delimiter
        await writer.RunPassAsync(default);
        var current = await SaveAsync("o'dd,id", 3);   // saved again; the process died before writing it

        // Another instance, just started: it has confirmed nothing, so it asks the service about every track.
        var (_, reconciler) = NewInstance();
        var before = _service.Transport.Requests.Count;
        Assert.Equal((1, 0), await reconciler.RunPassAsync(default));

        Assert.Equal(current, (string?)_service.Documents(AudioIndex)[AzureSearchIndexDefinition.DocumentKey("o'dd,id")]["version"]);
        Assert.Equal(current, (string?)_service.Documents(TextIndex)[AzureSearchIndexDefinition.DocumentKey("o'dd,id")]["version"]);
        var requests = _service.Transport.Requests.Skip(before).ToList();
        var lookups = requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/docs/search.post.search", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"/indexes('{AudioIndex}')/docs/search.post.search", $"/indexes('{TextIndex}')/docs/search.post.search"], lookups.Select(r => r.Path));
        foreach (var lookup in lookups)
        {
            Assert.Equal("2023-11-01", lookup.Query("api-version"));
            var body = lookup.Json.AsObject();
            Assert.Equal(["filter", "search", "select", "top"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal("*", (string?)body["search"]);
            Assert.Equal("search.in(trackId, 'kept|o''dd,id', '|')", (string?)body["filter"]);
            Assert.Equal("trackId,version,trackIndexes", (string?)body["select"]);
            Assert.Equal(AzureSearchBackend.LookupBatchSize, (int)body["top"]!);
        }
        // Only the stale track was written; the current one was confirmed by the lookup alone.
        var writes = requests.Where(r => r.Path.EndsWith("/docs/search.index", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, writes.Count);
        Assert.All(writes, w => Assert.Equal("o'dd,id", (string?)w.Json["value"]![0]!["trackId"]));
    }

    [Fact]
    public async Task Pass_WritesAgainATrackMissingFromOneOfTheIndexesItsVersionWasWrittenTo()
    {
        var (_, writer) = NewInstance();
        var version = await SaveAsync("t1", 1);
        await writer.RunPassAsync(default);
        // What a write that died between its two indexes leaves: the audio document, naming both, only.
        _service.RemoveDocument(TextIndex, AzureSearchIndexDefinition.DocumentKey("t1"));
        Assert.Equal([AudioIndex, TextIndex], _service.Documents(AudioIndex)[AzureSearchIndexDefinition.DocumentKey("t1")]["trackIndexes"]!.AsArray().Select(n => (string?)n));

        var (_, reconciler) = NewInstance();
        Assert.Equal((1, 0), await reconciler.RunPassAsync(default));

        Assert.Equal(version, (string?)_service.Documents(TextIndex)[AzureSearchIndexDefinition.DocumentKey("t1")]["version"]);
    }

    [Fact]
    public async Task Pass_BringsAnIndexOfTheOlderSchemaUpToDate_AndWritesAgainTheDocumentsItHolds()
    {
        // An index and a document written before documents named their track's indexes: the lookup cannot tell whether
        // that version is complete, so the track is written again.
        var version = await SaveAsync("t1", 1);
        var client = new Azure.Search.Documents.Indexes.SearchIndexClient(new Uri(Endpoint), new Azure.AzureKeyCredential(ApiKey),
            new Azure.Search.Documents.SearchClientOptions(AzureSearchBackend.ServiceVersion) { Transport = _service.Transport });
        var old = AzureSearchIndexDefinition.Create(AudioIndex, Dsp4, Options());
        old.Fields.Remove(old.Fields.Single(f => f.Name == AzureSearchIndexDefinition.TrackIndexesField));
        await client.CreateOrUpdateIndexAsync(old);
        var document = AzureSearchIndexDefinition.Document(Track("t1"), version, AudioVector(Dsp4, 1, 1, 0, 0), []);
        document.Remove(AzureSearchIndexDefinition.TrackIndexesField);
        await client.GetSearchClient(AudioIndex).IndexDocumentsAsync(Azure.Search.Documents.Models.IndexDocumentsBatch.Upload([document]));

        var (_, reconciler) = NewInstance();
        Assert.Equal((1, 0), await reconciler.RunPassAsync(default));

        Assert.Contains(_service.Definition(AudioIndex)["fields"]!.AsArray(), f => (string?)f!["name"] == "trackIndexes");
        var written = _service.Documents(AudioIndex)[AzureSearchIndexDefinition.DocumentKey("t1")];
        Assert.Equal(version, (string?)written["version"]);
        Assert.Equal([AudioIndex, TextIndex], written["trackIndexes"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task Pass_RemovesATrackDeletedFromStorage_ThatItKnewInTheService()
    {
        var (_, reconciler) = NewInstance();
        await SaveAsync("gone", 1);
        await SaveAsync("stays", 2);
        await reconciler.RunPassAsync(default);
        // Deleted; the process died before removing it from the service.
        await _containers.Tracks.GetBlobClient(TrackStore.DocumentBlobName("gone")).DeleteAsync();

        Assert.Equal((0, 1), await reconciler.RunPassAsync(default));

        foreach (var index in new[] { AudioIndex, TextIndex })
        {
            Assert.False(_service.Documents(index).ContainsKey(AzureSearchIndexDefinition.DocumentKey("gone")));
            Assert.True(_service.Documents(index).ContainsKey(AzureSearchIndexDefinition.DocumentKey("stays")));
        }
    }

    [Fact]
    public async Task SteadyPass_WithNothingChanged_SendsNoRequest()
    {
        var (_, writer) = NewInstance();
        for (var i = 0; i < 3; i++)
            await SaveAsync("t" + i, i);
        await writer.RunPassAsync(default);   // writes all three, and so confirms them
        var (_, reconciler) = NewInstance();
        await reconciler.RunPassAsync(default);   // confirms all three by lookup
        var before = _service.Transport.Requests.Count;

        Assert.Equal((0, 0), await writer.RunPassAsync(default));
        Assert.Equal((0, 0), await reconciler.RunPassAsync(default));

        Assert.Equal(before, _service.Transport.Requests.Count);
    }

    [Fact]
    public async Task SteadyPass_AfterTheInstanceWroteATrackItself_SendsNoRequest()
    {
        var (backend, reconciler) = NewInstance();
        await reconciler.RunPassAsync(default);
        var (track, etag) = await _store.SaveAsync(Track("t1"), Vectors(1), default);
        await backend.UpsertAsync(track, TrackStore.Version(etag), Vectors(1), default);   // as the pipeline does
        var before = _service.Transport.Requests.Count;

        Assert.Equal((0, 0), await reconciler.RunPassAsync(default));

        Assert.Equal(before, _service.Transport.Requests.Count);
    }

    [Fact]
    public async Task Pass_DuringAnOutage_FailsWithTheServicesError_AndTheNextPassRepairs()
    {
        var (backend, reconciler) = NewInstance();
        var version = await SaveAsync("t1", 1);
        _service.Unavailable = true;

        var error = await Assert.ThrowsAsync<AzureSearchRequestException>(() => reconciler.RunPassAsync(default));
        Assert.Equal(503, error.Status);
        Assert.False(backend.Versions.IsConfirmed("t1", version));

        _service.Unavailable = false;
        Assert.Equal((1, 0), await reconciler.RunPassAsync(default));
        Assert.Equal(version, (string?)_service.Documents(AudioIndex)[AzureSearchIndexDefinition.DocumentKey("t1")]["version"]);
    }

    [Fact]
    public async Task Pass_DuringAnOutage_KeepsAFailedRemovalForTheNextPass()
    {
        var (_, reconciler) = NewInstance();
        await SaveAsync("gone", 1);
        await reconciler.RunPassAsync(default);
        await _containers.Tracks.GetBlobClient(TrackStore.DocumentBlobName("gone")).DeleteAsync();
        _service.Unavailable = true;

        await Assert.ThrowsAsync<AzureSearchRequestException>(() => reconciler.RunPassAsync(default));

        _service.Unavailable = false;
        Assert.Equal((0, 1), await reconciler.RunPassAsync(default));
        Assert.False(_service.Documents(AudioIndex).ContainsKey(AzureSearchIndexDefinition.DocumentKey("gone")));
    }

    [Fact]
    public async Task HostedService_SurvivesAnOutage_AndRepairsOnALaterInterval()
    {
        var (_, reconciler) = NewInstance(intervalSeconds: 0.1);
        var version = await SaveAsync("t1", 1);
        _service.Unavailable = true;

        await reconciler.StartAsync(default);
        try
        {
            // A pass fails once its first request has failed every retry; a request beyond those is the next pass's.
            await Poll(() => _service.Transport.Requests.Count > Options().MaxRetries + 1);
            _service.Unavailable = false;
            await Poll(() => _service.IndexNames.Contains(AudioIndex)
                && _service.Documents(AudioIndex).TryGetValue(AzureSearchIndexDefinition.DocumentKey("t1"), out var d) && (string?)d["version"] == version);
            Assert.False(reconciler.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await reconciler.StopAsync(default);
        }
    }

    private (AzureSearchBackend Backend, AzureSearchReconciler Reconciler) NewInstance(double intervalSeconds = 3600)
    {
        var backend = Backend(_service.Transport);
        var reconciler = new AzureSearchReconciler(
            _store, backend, new TrackSearchUpdates(_store, backend),
            Microsoft.Extensions.Options.Options.Create(new IndexOptions { SyncIntervalSeconds = intervalSeconds }), NullLogger<AzureSearchReconciler>.Instance);
        return (backend, reconciler);
    }

    /// <summary>Stores the track with an audio and a text vector, and nothing else: the version saved.</summary>
    private async Task<string> SaveAsync(string trackId, int seed)
    {
        var (_, etag) = await _store.SaveAsync(Track(trackId), Vectors(seed), default);
        return TrackStore.Version(etag);
    }

    private static TrackVector[] Vectors(int seed) =>
        [AudioVector(Dsp4, 1, seed, 0, 0), new TrackVector(VectorCollection.Text, Text4, [0, 1, seed, 0])];

    private static async Task Poll(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true within 30 s.");
            await Task.Delay(20);
        }
    }
}
