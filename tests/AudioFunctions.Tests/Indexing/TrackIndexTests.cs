using System.Net;
using System.Runtime.InteropServices;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using AudioFunctions.Wire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Tests.Indexing;

/// <summary>
/// The embedded index as the app keeps it: a local snapshot, reconciled with the stored tracks
/// (the source of truth), rebuilt from them when the snapshot is missing or corrupt.
/// </summary>
public sealed class TrackIndexTests
{
    [Fact]
    public async Task Snapshot_SavedOnStop_IsLoadedAgain_AndNeedsNoReindexing()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        string snapshot;
        await using (var app = await AppInstance.StartAsync(azurite, prefix))
        {
            await StoreTracksAsync(app, "kept-a", "kept-b");
            snapshot = app.Services.GetRequiredService<IOptions<IndexOptions>>().Value.SnapshotPath;
            await app.StopAsync();
        }
        Assert.True(File.Exists(snapshot));

        var (index, _) = NewIndex(azurite, prefix, snapshot);
        await index.LoadSnapshotAsync(default);
        Assert.Equal(2, index.TrackCount);
        Assert.Equal((0, 0), await index.ReconcileAsync(default)); // every version already matches storage
        Assert.Equal(2, index.Vectors.Count(VectorCollection.Audio, new DspAudioEmbedder().Space));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CorruptOrMissingSnapshot_IsRebuiltFromStorage_NeverFatal(bool corrupt)
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        string snapshot;
        await using (var app = await AppInstance.StartAsync(azurite, prefix))
        {
            await StoreTracksAsync(app, "rebuilt-a", "rebuilt-b", "rebuilt-c");
            snapshot = app.Services.GetRequiredService<IOptions<IndexOptions>>().Value.SnapshotPath;
            await app.StopAsync();
        }
        if (corrupt)
        {
            var bytes = await File.ReadAllBytesAsync(snapshot);
            bytes[bytes.Length / 2] ^= 0x5A;
            await File.WriteAllBytesAsync(snapshot, bytes);
        }
        else
        {
            File.Delete(snapshot);
        }

        var (index, _) = NewIndex(azurite, prefix, snapshot);
        await index.LoadSnapshotAsync(default);
        Assert.Equal(0, index.TrackCount);
        if (corrupt)
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(snapshot)!, Path.GetFileName(snapshot) + ".corrupt-*"));

        Assert.Equal((3, 0), await index.ReconcileAsync(default));
        Assert.Equal(3, index.TrackCount);
        var text = new float[512];
        new LexicalTextEmbedder().Embed("rebuilt-b", text);
        var hits = index.Vectors.Search(VectorCollection.Text, new LexicalTextEmbedder().Space, text, 3, SearchFilter.None);
        Assert.Equal(3, hits.Count);
    }

    [Fact]
    public async Task Reconcile_DropsDeletedTracks_AndPicksUpTracksStoredByAnotherInstance()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        await using var writer = await AppInstance.StartAsync(azurite, prefix);
        await using var reader = await AppInstance.StartAsync(azurite, prefix);
        var ids = await StoreTracksAsync(writer, "shared-a", "shared-b");

        // The other instance finds them on its next sync (every second in tests).
        var search = new StreamApiClient(reader.Client);
        Assert.True(await PipelineProbe.EventuallyAsync(async () => (await SearchTextAsync(search, "shared-b")).Contains(ids[1]), TimeSpan.FromSeconds(15)));

        // A track removed from storage leaves the index on reconciliation.
        var store = writer.Services.GetRequiredService<StorageContainers>().Tracks;
        await store.DeleteBlobAsync(TrackStore.DocumentBlobName(ids[0]));
        var index = reader.Services.GetRequiredService<TrackIndex>();
        Assert.True(await PipelineProbe.EventuallyAsync(() => Task.FromResult(!index.TryGetTrack(ids[0], out _)), TimeSpan.FromSeconds(15)));
        Assert.DoesNotContain(ids[0], await SearchTextAsync(search, "shared-a"));
    }

    private static (TrackIndex Index, TrackStore Store) NewIndex(AzuriteServer azurite, string prefix, string snapshot)
    {
        var storageOptions = Options.Create(new StorageOptions { ContainerPrefix = prefix });
        var account = StorageAccount.FromConfiguration(
            new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString }).Build(),
            storageOptions.Value);
        var store = new TrackStore(new StorageContainers(account, storageOptions));
        var index = new TrackIndex(store, Options.Create(new IndexOptions { SnapshotPath = snapshot }), NullLogger<TrackIndex>.Instance);
        return (index, store);
    }

    private static async Task<string[]> StoreTracksAsync(AppInstance app, params string[] names)
    {
        var client = new StreamApiClient(app.Client);
        var run = Guid.NewGuid().ToString("N")[..8];
        var ids = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            ids[i] = $"{names[i]}-{run}";
            var sessionId = (await client.StartAsync(ids[i], "pcm_f32_le", 48_000, 1, StreamApiClient.Metadata(names[i], "Index Tester")))
                .AssertStatus(HttpStatusCode.OK).String("session_id");
            var pcm = MemoryMarshal.AsBytes(SyntheticInstruments.Window((InstrumentFamily)(i % 5), i).AsSpan()).ToArray();
            (await client.SendFrameAsync(sessionId, pcm)).AssertStatus(HttpStatusCode.OK);
            Assert.True((await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK).Boolean("audio_stored"));
        }
        return ids;
    }

    private static async Task<List<string>> SearchTextAsync(StreamApiClient client, string text)
    {
        var embedding = (await client.PostAsync("/api/v1/embed/text", WireValue.Map(("text", WireValue.String(text))))).Field("embedding");
        var results = (await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", embedding), ("collection", WireValue.String("text")), ("limit", WireValue.Integer(100))))).AssertStatus(HttpStatusCode.OK);
        return [.. results.Field("results").AsArray().Select(r => r.TryGetProperty("track_id", out var id) ? id.AsString() : "")];
    }
}
