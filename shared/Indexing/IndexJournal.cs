using System.Buffers.Binary;
using System.Text.Json;
using AudioFunctions.Embedding;
using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>
/// The append log of a <see cref="TrackIndex"/>'s changes since a snapshot, one file per generation
/// (<c>{snapshot}.{generation}.journal</c>). A record is a little-endian int32 length, then that many bytes: the entry
/// in <see cref="SnapshotFormat"/>'s primitives followed by their XxHash64. Each record is handed to the operating
/// system as it is appended, so a process that dies leaves every record it appended; a record cut short (the machine
/// died mid-write) fails its length or checksum, and reading stops there: the valid prefix is the journal.
/// </summary>
internal sealed class IndexJournal : IDisposable
{
    private const byte Upsert = 1;
    private const byte Removal = 2;

    /// <summary>Longest record accepted when reading: a track with many large vectors, with room to spare.</summary>
    private const int MaxRecordBytes = 64 << 20;

    private readonly FileStream file;

    private IndexJournal(FileStream file, long generation)
    {
        this.file = file;
        Generation = generation;
    }

    public long Generation { get; }

    /// <summary>Bytes in the journal: when to compact it into a snapshot.</summary>
    public long Bytes => file.Length;

    public static string PathOf(string snapshotPath, long generation) => $"{snapshotPath}.{generation:D8}.journal";

    /// <summary>The generations of the journals beside <paramref name="snapshotPath"/>, oldest first.</summary>
    public static IReadOnlyList<long> Generations(string snapshotPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(snapshotPath))!;
        if (!Directory.Exists(directory))
            return [];
        var prefix = Path.GetFileName(snapshotPath) + ".";
        var generations = new List<long>();
        foreach (var path in Directory.EnumerateFiles(directory, prefix + "*.journal"))
        {
            var middle = Path.GetFileName(path)[prefix.Length..^".journal".Length];
            if (long.TryParse(middle, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var generation))
                generations.Add(generation);
        }
        generations.Sort();
        return generations;
    }

    /// <summary>Opens the journal of <paramref name="generation"/> for appending, cutting off any invalid tail first.</summary>
    public static IndexJournal Open(string snapshotPath, long generation)
    {
        var path = PathOf(snapshotPath, generation);
        var valid = File.Exists(path) ? Read(path).ValidBytes : 0;
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        file.SetLength(valid);
        file.Seek(valid, SeekOrigin.Begin);
        return new IndexJournal(file, generation);
    }

    public void Append(IndexJournalEntry entry)
    {
        using var payload = new MemoryStream();
        using (var writer = new SnapshotWriter(payload))
        {
            Write(writer, entry);
            writer.Complete();
        }
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(length, (int)payload.Length);
        file.Write(length);
        file.Write(payload.GetBuffer().AsSpan(0, (int)payload.Length));
        file.Flush();
    }

    /// <summary>Makes what was appended survive the machine, not only the process (before a snapshot relies on it).</summary>
    public void FlushToDisk() => file.Flush(flushToDisk: true);

    public void Dispose() => file.Dispose();

    /// <summary>The valid records of a journal file, in order, and how many bytes they take.</summary>
    public static (List<IndexJournalEntry> Entries, long ValidBytes) Read(string path)
    {
        var entries = new List<IndexJournalEntry>();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long valid = 0;
        Span<byte> length = stackalloc byte[sizeof(int)];
        while (file.ReadAtLeast(length, length.Length, throwOnEndOfStream: false) == length.Length)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(length);
            if (size <= SnapshotFormat.ChecksumBytes || size > MaxRecordBytes || size > file.Length - file.Position)
                break;
            var record = new byte[size];
            file.ReadExactly(record);
            try
            {
                using var reader = new SnapshotReader(new MemoryStream(record, writable: false));
                var entry = ReadEntry(reader);
                reader.VerifyChecksumAndEnd();
                entries.Add(entry);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or FormatException or ArgumentException)
            {
                break;
            }
            valid = file.Position;
        }
        return (entries, valid);
    }

    private static void Write(SnapshotWriter writer, IndexJournalEntry entry)
    {
        writer.WriteByte(entry.Track is null ? Removal : Upsert);
        writer.WriteString(entry.TrackId);
        if (entry.Track is null)
            return;
        writer.WriteString(entry.Track.Version);
        writer.WriteString(JsonSerializer.Serialize(entry.Track.Track, IndexJsonContext.Default.StoredTrack));
        writer.WriteInt32(entry.Vectors.Count);
        foreach (var vector in entry.Vectors)
        {
            writer.WriteByte((byte)vector.Collection);
            writer.WriteString(vector.Space.Id);
            writer.WriteInt32(vector.Values.Length);
            writer.WriteFloats(vector.Values);
        }
    }

    private static IndexJournalEntry ReadEntry(SnapshotReader reader)
    {
        var kind = reader.ReadByte();
        var trackId = reader.ReadString();
        if (kind == Removal)
            return IndexJournalEntry.Removal(trackId);
        if (kind != Upsert)
            throw SnapshotReader.Corrupt($"journal entry kind {kind} is unknown.");
        var version = reader.ReadString();
        var track = JsonSerializer.Deserialize(reader.ReadString(), IndexJsonContext.Default.StoredTrack)
            ?? throw SnapshotReader.Corrupt("a journal entry holds JSON null.");
        var vectors = new TrackVector[reader.ReadCount(64, "vector count")];
        for (var i = 0; i < vectors.Length; i++)
        {
            var collection = (VectorCollection)reader.ReadByte();
            if (collection is not (VectorCollection.Audio or VectorCollection.Text))
                throw SnapshotReader.Corrupt($"collection {(int)collection} is unknown.");
            var space = EmbeddingSpace.Parse(reader.ReadString());
            var values = new float[reader.ReadCount(IndexLimits.MaxDimensions, "dimension count")];
            reader.ReadFloats(values);
            vectors[i] = new TrackVector(collection, space, values);
        }
        return new IndexJournalEntry(trackId, new IndexedTrack(track, version), vectors);
    }
}
