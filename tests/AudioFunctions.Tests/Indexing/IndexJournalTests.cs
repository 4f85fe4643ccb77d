using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Tests.Indexing;

/// <summary>
/// The index's change log and snapshot: what a process that dies at any moment leaves behind loads as the last
/// snapshot plus the valid prefix of the log, and folding the log into a snapshot loses nothing.
/// </summary>
public sealed class IndexJournalTests : IDisposable
{
    private static readonly EmbeddingSpace Audio = new("dsp", "1", 8);
    private static readonly EmbeddingSpace Text = new("lexical", "1", 4);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "index-journal-" + Guid.NewGuid().ToString("N"));

    public IndexJournalTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string SnapshotPath => Path.Combine(_directory, "tracks.snapshot");

    private TrackIndex NewIndex(long compactBytes = 64L << 20, string kind = IndexOptions.Hnsw, string backend = IndexOptions.Embedded)
    {
        // Never reached in these tests: they load, change and save, and do not reconcile with storage.
        var storage = new StorageOptions();
        var account = StorageAccount.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }).Build(), storage);
        var store = new TrackStore(new StorageContainers(account, Options.Create(storage)));
        return new TrackIndex(store, Options.Create(new IndexOptions { SnapshotPath = SnapshotPath, JournalCompactBytes = compactBytes, Kind = kind, Backend = backend }), NullLogger<TrackIndex>.Instance);
    }

    private static (StoredTrack Track, IReadOnlyList<TrackVector> Vectors) Track(int n, string genre = "rock")
    {
        var random = new Random(n);
        float[] Vector(int dimensions) => [.. Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble() + 0.1f)];
        var track = new StoredTrack
        {
            TrackId = $"track-{n}",
            SessionId = $"session-{n}",
            Metadata = new TrackMetadata { Name = $"Song {n}", Artists = [$"Artist {n % 3}"], Genres = [genre] },
            Windows = 1,
            AudioSpaces = [Audio.Id],
            TextSpaces = [Text.Id],
        };
        return (track, [new TrackVector(VectorCollection.Audio, Audio, UnitVector(Vector(8))), new TrackVector(VectorCollection.Text, Text, UnitVector(Vector(4)))]);
    }

    private static float[] UnitVector(float[] values)
    {
        var norm = MathF.Sqrt(values.Sum(v => v * v));
        return [.. values.Select(v => v / norm)];
    }

    /// <summary>Everything a search sees: each track's version, genre and both stored vectors.</summary>
    private static string StateOf(TrackIndex index, int upTo, bool withVectors = true)
    {
        var lines = new List<string>();
        for (var n = 0; n < upTo; n++)
        {
            if (!index.TryGetTrack($"track-{n}", out var track))
                continue;
            var audio = new float[8];
            var text = new float[4];
            Assert.True(index.Vectors.TryGetVector(VectorCollection.Audio, Audio, track.TrackId, audio));
            Assert.True(index.Vectors.TryGetVector(VectorCollection.Text, Text, track.TrackId, text));
            lines.Add($"{track.TrackId} {index.Vectors.Versions(VectorCollection.Audio, Audio)[track.TrackId]} {track.Metadata.Genres[0]}"
                      + (withVectors ? $" {string.Join(',', audio)} {string.Join(',', text)}" : ""));
        }
        return string.Join('\n', lines) + $"\ncount {index.TrackCount} {index.Vectors.Count(VectorCollection.Audio, Audio)} {index.Vectors.Count(VectorCollection.Text, Text)}";
    }

    private static void Change(TrackIndex index, int from, int to, string version, string genre = "rock")
    {
        for (var n = from; n < to; n++)
        {
            var (track, vectors) = Track(n * 7 + version.Length, genre);
            index.Apply(track with { TrackId = $"track-{n}" }, version, vectors);
        }
    }

    [Fact]
    public async Task ChangesAfterASnapshot_AreReplayedFromTheLog_WhenTheProcessDiedWithoutSaving()
    {
        var first = NewIndex();
        await first.LoadSnapshotAsync(default);
        Change(first, 0, 10, "v1");
        await first.SaveSnapshotIfChangedAsync(default);   // the first snapshot: nothing to follow before it
        Change(first, 5, 15, "v2", "jazz");
        first.Remove("track-0");
        first.Remove("track-14");
        var expected = StateOf(first, 20);
        // The process dies here: no save, no dispose.

        var second = NewIndex();
        await second.LoadSnapshotAsync(default);

        Assert.Equal(expected, StateOf(second, 20));
        Assert.Equal(13, second.TrackCount);
    }

    [Fact]
    public async Task ALogCutAnywhere_LoadsTheSnapshotPlusItsValidPrefix()
    {
        var writer = NewIndex();
        await writer.LoadSnapshotAsync(default);
        Change(writer, 0, 3, "v1");
        await writer.SaveSnapshotIfChangedAsync(default);
        var states = new List<string> { StateOf(writer, 10) };
        var journal = Directory.GetFiles(_directory, "*.journal").Single();
        var lengths = new List<long> { new FileInfo(journal).Length };
        for (var n = 3; n < 8; n++)
        {
            Change(writer, n, n + 1, "v1");
            states.Add(StateOf(writer, 10));
            lengths.Add(new FileInfo(journal).Length);
        }
        var whole = await File.ReadAllBytesAsync(journal);
        var snapshot = await File.ReadAllBytesAsync(SnapshotPath);

        // Every cut point, and a flipped byte in the last record: the state of the longest whole prefix.
        for (var cut = 0; cut <= whole.Length; cut += 97)
        {
            await File.WriteAllBytesAsync(SnapshotPath, snapshot);
            await File.WriteAllBytesAsync(journal, whole[..cut]);
            var reader = NewIndex();
            await reader.LoadSnapshotAsync(default);
            var complete = lengths.FindLastIndex(length => length <= cut);
            Assert.Equal(states[complete], StateOf(reader, 10));

            // The reopened log drops the torn tail, so what is appended next is read back too.
            Change(reader, 9, 10, "after");
            var again = NewIndex();
            await again.LoadSnapshotAsync(default);
            Assert.Equal(StateOf(reader, 10), StateOf(again, 10));
        }
        var flipped = (byte[])whole.Clone();
        flipped[^5] ^= 0x40;
        await File.WriteAllBytesAsync(SnapshotPath, snapshot);
        await File.WriteAllBytesAsync(journal, flipped);
        var damaged = NewIndex();
        await damaged.LoadSnapshotAsync(default);
        Assert.Equal(states[^2], StateOf(damaged, 10));
    }

    [Fact]
    public async Task FoldingTheLogIntoASnapshot_KeepsEveryChange_AndDropsOldLogs()
    {
        var index = NewIndex(compactBytes: 2_000);
        await index.LoadSnapshotAsync(default);
        Change(index, 0, 4, "v1");
        await index.SaveSnapshotIfChangedAsync(default);
        var firstSnapshot = File.GetLastWriteTimeUtc(SnapshotPath);
        Change(index, 0, 2, "v2");
        await index.SaveSnapshotIfChangedAsync(default);   // a small log: kept, no new snapshot
        Assert.Equal(firstSnapshot, File.GetLastWriteTimeUtc(SnapshotPath));
        Change(index, 2, 30, "v3");
        await index.SaveSnapshotIfChangedAsync(default);   // past the threshold: folded
        Assert.Single(Directory.GetFiles(_directory, "*.journal"));
        Assert.Equal(0, new FileInfo(Directory.GetFiles(_directory, "*.journal").Single()).Length);
        Change(index, 30, 31, "v4");
        var expected = StateOf(index, 40);

        var loaded = NewIndex();
        await loaded.LoadSnapshotAsync(default);
        Assert.Equal(expected, StateOf(loaded, 40));
        Assert.Equal(31, loaded.TrackCount);
    }

    [Fact]
    public async Task AnOldFormatOrDamagedSnapshot_IsMovedAside_WithItsLogs()
    {
        var index = NewIndex();
        await index.LoadSnapshotAsync(default);
        Change(index, 0, 3, "v1");
        await index.SaveSnapshotIfChangedAsync(default);
        Change(index, 3, 4, "v1");
        var bytes = await File.ReadAllBytesAsync(SnapshotPath);
        bytes[bytes.Length / 3] ^= 0x21;
        await File.WriteAllBytesAsync(SnapshotPath, bytes);

        var loaded = NewIndex();
        await loaded.LoadSnapshotAsync(default);

        Assert.Equal(0, loaded.TrackCount);
        Assert.Single(Directory.GetFiles(_directory, "tracks.snapshot.corrupt-*"));
        Assert.Empty(Directory.GetFiles(_directory, "*.journal"));
    }

    [Theory]
    [InlineData(IndexOptions.Exact, IndexOptions.Hnsw)]
    [InlineData(IndexOptions.Hnsw, IndexOptions.Exact)]
    public async Task ASnapshotOfTheOtherKind_IsConverted_WithEveryTrackAndLoggedChange(string written, string configured)
    {
        var first = NewIndex(kind: written);
        await first.LoadSnapshotAsync(default);
        Change(first, 0, 40, "v1");
        await first.SaveSnapshotIfChangedAsync(default);
        Change(first, 35, 45, "v2", "jazz");
        first.Remove("track-3");
        var expected = StateOf(first, 50, withVectors: false);

        var second = NewIndex(kind: configured);
        await second.LoadSnapshotAsync(default);

        Assert.Equal(configured == IndexOptions.Exact ? typeof(ExactVectorIndex) : typeof(HnswVectorIndex), second.Vectors.GetType());
        Assert.Equal(expected, StateOf(second, 50, withVectors: false));
        // Converting renormalises each vector, which may move its last bit.
        var (before, after) = (new float[8], new float[8]);
        for (var n = 0; n < 50; n++)
        {
            Assert.Equal(first.Vectors.TryGetVector(VectorCollection.Audio, Audio, $"track-{n}", before),
                second.Vectors.TryGetVector(VectorCollection.Audio, Audio, $"track-{n}", after));
            for (var i = 0; i < 8; i++)
                Assert.Equal(before[i], after[i], 1e-6f);
        }
        var query = new float[8];
        Assert.True(first.Vectors.TryGetVector(VectorCollection.Audio, Audio, "track-20", query));
        Assert.Equal("track-20", second.Vectors.Search(VectorCollection.Audio, Audio, query, 1, SearchFilter.None)[0].TrackId);
    }

    [Fact]
    public async Task WithASearchService_TheIndexHoldsDocumentsOnly_AndAnEmbeddedOneDoesNotTrustSuchASnapshot()
    {
        var service = NewIndex(backend: IndexOptions.AzureSearch);
        await service.LoadSnapshotAsync(default);
        Change(service, 0, 5, "v1");
        Assert.False(service.HoldsVectors);
        Assert.Equal(5, service.TrackCount);
        Assert.Empty(service.Vectors.Spaces(VectorCollection.Audio));
        await service.SaveSnapshotIfChangedAsync(default, force: true);
        Change(service, 5, 6, "v1");

        var reloaded = NewIndex(backend: IndexOptions.AzureSearch);
        await reloaded.LoadSnapshotAsync(default);
        Assert.Equal(6, reloaded.TrackCount);
        Assert.Empty(reloaded.Vectors.Spaces(VectorCollection.Audio));

        // Documents without vectors would leave an embedded index unable to find those tracks: it starts over.
        var embedded = NewIndex();
        await embedded.LoadSnapshotAsync(default);
        Assert.Equal(0, embedded.TrackCount);
        Assert.Empty(Directory.GetFiles(_directory, "*.journal"));
        Assert.Empty(Directory.GetFiles(_directory, "*.corrupt-*"));
    }
}
