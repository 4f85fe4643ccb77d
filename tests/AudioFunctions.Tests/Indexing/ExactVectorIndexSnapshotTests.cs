using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing;

/// <summary>Snapshots: lossless round trips, and InvalidDataException for every kind of damage.</summary>
public sealed class ExactVectorIndexSnapshotTests
{
    private static readonly EmbeddingSpace _clap = new("clap", "v1", 48);
    private static readonly EmbeddingSpace _clapV2 = new("clap", "v2", 48);
    private static readonly EmbeddingSpace _mert = new("mert.95m", "2024-01", 24);

    [Fact]
    public void SnapshotRoundTrip_GivesBitIdenticalSearchesVectorsAndVersions()
    {
        var random = new Random(17);
        var (index, partitions) = BuildIndex(random, tracksPerPartition: 600);

        var loaded = ExactVectorIndex.LoadSnapshot(new MemoryStream(Save(index)));

        foreach (var collection in new[] { VectorCollection.Audio, VectorCollection.Text })
            Assert.Equal(index.Spaces(collection).ToHashSet(), loaded.Spaces(collection).ToHashSet());
        foreach (var (collection, space) in partitions)
        {
            Assert.Equal(index.Count(collection, space), loaded.Count(collection, space));
            Assert.Equal(index.Versions(collection, space), loaded.Versions(collection, space));
            var original = new float[space.Dimensions];
            var copy = new float[space.Dimensions];
            foreach (var id in index.Versions(collection, space).Keys)
            {
                Assert.True(index.TryGetVector(collection, space, id, original));
                Assert.True(loaded.TryGetVector(collection, space, id, copy));
                Assert.Equal(original, copy);
            }
            foreach (var filter in new[] { SearchFilter.None, Filter(genre: "JAZZ"), Filter(artist: "monk", album: " blue ") })
            {
                for (var q = 0; q < 10; q++)
                {
                    var query = RandomVector(random, space.Dimensions);
                    // SearchHit equality compares scores bit for bit.
                    Assert.Equal(index.Search(collection, space, query, 15, filter), loaded.Search(collection, space, query, 15, filter));
                }
            }
        }
    }

    [Fact]
    public void SaveSnapshot_WritesTheSameBytes_ForALoadedCopy()
    {
        var (index, _) = BuildIndex(new Random(19), tracksPerPartition: 200);
        var bytes = Save(index);

        Assert.Equal(bytes, Save(ExactVectorIndex.LoadSnapshot(new MemoryStream(bytes))));
    }

    [Fact]
    public void SnapshotRoundTrip_KeepsAnEmptyIndexEmpty()
    {
        var loaded = ExactVectorIndex.LoadSnapshot(new MemoryStream(Save(new ExactVectorIndex())));

        Assert.Empty(loaded.Spaces(VectorCollection.Audio));
        Assert.Empty(loaded.Spaces(VectorCollection.Text));
    }

    [Fact]
    public void SnapshotRoundTrip_KeepsStringsLongerThanTheReadBuffer_AndUnicode()
    {
        var space = new EmbeddingSpace("clap", "v1", 4);
        var index = new ExactVectorIndex();
        var longId = new string('é', 65_536);                  // 128 KiB of UTF-8
        var longestTag = new string('€', 65_536);              // 192 KiB, the limit
        var fields = new TrackFilterFields(["Björk", "坂本龍一", " "], null, ["Électronique", "🎹 keys"]);
        index.Upsert(VectorCollection.Audio, space, longId, [1, 2, 3, 4], fields, longestTag);
        index.Upsert(VectorCollection.Audio, space, "short", [4, 3, 2, 1], new TrackFilterFields([], "", []), "");

        var loaded = ExactVectorIndex.LoadSnapshot(new TricklingStream(Save(index), maxBytesPerRead: 5_000));

        Assert.Equal(index.Versions(VectorCollection.Audio, space), loaded.Versions(VectorCollection.Audio, space));
        var hits = loaded.Search(VectorCollection.Audio, space, [1, 2, 3, 4], 5, Filter(artist: "坂本龍一", genre: "🎹 KEYS"));
        Assert.Equal(longId, Assert.Single(hits).TrackId);
    }

    [Fact]
    public void LoadSnapshot_ReadsStreamsThatReturnFewBytesPerRead()
    {
        var (index, partitions) = BuildIndex(new Random(23), tracksPerPartition: 50);

        var loaded = ExactVectorIndex.LoadSnapshot(new TricklingStream(Save(index), maxBytesPerRead: 3));

        foreach (var (collection, space) in partitions)
            Assert.Equal(index.Versions(collection, space), loaded.Versions(collection, space));
    }

    [Fact]
    public void LoadSnapshot_ThrowsInvalidData_WhenTruncatedAtAnyLength()
    {
        var bytes = Save(SmallIndex());

        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<InvalidDataException>(() => ExactVectorIndex.LoadSnapshot(new MemoryStream(truncated)));
        }
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void LoadSnapshot_ThrowsInvalidData_WhenAnyByteIsFlipped(byte mask)
    {
        var bytes = Save(SmallIndex());

        for (var position = 0; position < bytes.Length; position++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[position] ^= mask;
            Assert.Throws<InvalidDataException>(() => ExactVectorIndex.LoadSnapshot(new MemoryStream(damaged)));
        }
    }

    [Fact]
    public void LoadSnapshot_ThrowsInvalidData_WhenBytesFollowTheChecksum()
    {
        var bytes = Save(SmallIndex());

        Assert.Throws<InvalidDataException>(() => ExactVectorIndex.LoadSnapshot(new MemoryStream([.. bytes, 0])));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x7B, 0x7D })]                                        // "{}"
    [InlineData(new byte[] { (byte)'A', (byte)'F', (byte)'V', (byte)'I', 2, 0, 0, 0, 0, 0, 0, 0 })]  // a future version
    public void LoadSnapshot_ThrowsInvalidData_ForWhatIsNotASnapshot(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => ExactVectorIndex.LoadSnapshot(new MemoryStream(bytes)));

    private static ExactVectorIndex SmallIndex()
    {
        var random = new Random(29);
        var index = new ExactVectorIndex();
        var space = new EmbeddingSpace("clap", "v1", 3);
        index.Upsert(VectorCollection.Audio, space, "a", RandomVector(random, 3), new TrackFilterFields(["Ann"], "Alb", ["Jazz", "Folk"]), "\"0x8D\"");
        index.Upsert(VectorCollection.Audio, space, "b", RandomVector(random, 3), NoFields, "");
        index.Upsert(VectorCollection.Text, new EmbeddingSpace("e5", "2", 2), "a", RandomVector(random, 2), NoFields, "t");
        return index;
    }

    /// <summary>Three partitions (two spaces of equal dimensions), rows shuffled by removals and replacements.</summary>
    private static (ExactVectorIndex Index, (VectorCollection, EmbeddingSpace)[] Partitions) BuildIndex(Random random, int tracksPerPartition)
    {
        var partitions = new[] { (VectorCollection.Audio, _clap), (VectorCollection.Audio, _clapV2), (VectorCollection.Text, _mert) };
        var index = new ExactVectorIndex();
        foreach (var (collection, space) in partitions)
        {
            var tracks = RandomTracks(random, tracksPerPartition, space.Dimensions);
            foreach (var track in tracks)
                index.Upsert(collection, space, track.Id, track.Vector, track.Fields, $"0x{random.Next():X8}");
            for (var i = 0; i < tracksPerPartition / 10; i++)
                index.Remove(collection, space, tracks[random.Next(tracks.Count)].Id);
            for (var i = 0; i < tracksPerPartition / 10; i++)
                index.Upsert(collection, space, tracks[random.Next(tracks.Count)].Id, RandomVector(random, space.Dimensions), NoFields, "replaced");
        }
        return (index, partitions);
    }

    private static byte[] Save(ExactVectorIndex index)
    {
        using var stream = new MemoryStream();
        index.SaveSnapshot(stream);
        return stream.ToArray();
    }

    /// <summary>A read-only stream that returns at most a few bytes per read, like a slow network stream.</summary>
    private sealed class TricklingStream(byte[] bytes, int maxBytesPerRead) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxBytesPerRead));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, maxBytesPerRead)]);
    }
}
