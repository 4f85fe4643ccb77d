using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Indexing;

/// <summary>The embedded index (section <c>INDEX</c>): where its snapshot lives and how often it catches up with storage.</summary>
public sealed class IndexOptions
{
    public const string Section = "INDEX";

    public const string Embedded = "embedded";
    public const string AzureSearch = "azure-search";

    /// <summary>
    /// Where search runs: <c>embedded</c> (each instance's own index, below) or <c>azure-search</c> (one Azure AI
    /// Search service shared by every instance; section <c>AZURE_SEARCH</c>).
    /// </summary>
    [ConfigurationKeyName("BACKEND")]
    [AllowedValues(Embedded, AzureSearch)]
    public string Backend { get; set; } = Embedded;

    public const string Exact = "exact";
    public const string Hnsw = "hnsw";

    /// <summary>
    /// How the embedded index searches: <c>hnsw</c> (a graph walk, approximate, for up to millions of tracks; spaces
    /// under <see cref="HnswExactBelow"/> vectors are still scanned exactly) or <c>exact</c> (every vector scanned).
    /// A snapshot of the other kind is converted at load, without going back to storage.
    /// </summary>
    [ConfigurationKeyName("KIND")]
    [AllowedValues(Exact, Hnsw)]
    public string Kind { get; set; } = Hnsw;

    /// <summary>Graph links per node (2·M on the bottom layer): more is better recall, more memory (8·M bytes per track).</summary>
    [ConfigurationKeyName("HNSW_M")]
    [Range(2, 256)]
    public int HnswM { get; set; } = HnswSettings.Default.M;

    /// <summary>Candidates kept while inserting: larger builds a better graph, proportionally slower.</summary>
    [ConfigurationKeyName("HNSW_EF_CONSTRUCTION")]
    [Range(1, 4096)]
    public int HnswEfConstruction { get; set; } = HnswSettings.Default.EfConstruction;

    /// <summary>Candidates kept while searching (at least the request's limit): the recall-against-latency knob.</summary>
    [ConfigurationKeyName("HNSW_EF_SEARCH")]
    [Range(1, 4096)]
    public int HnswEfSearch { get; set; } = HnswSettings.Default.EfSearch;

    /// <summary><c>none</c> (the walk reads float32) or <c>int8</c> (it reads 1-byte codes, results re-scored on float32).</summary>
    [ConfigurationKeyName("HNSW_QUANTIZATION")]
    [AllowedValues("none", "int8")]
    public string HnswQuantization { get; set; } = "none";

    /// <summary>Spaces with fewer vectors than this are searched by an exact scan.</summary>
    [ConfigurationKeyName("HNSW_EXACT_BELOW")]
    [Range(0, int.MaxValue)]
    public int HnswExactBelow { get; set; } = HnswSettings.Default.ExactBelow;

    /// <summary>A filter whose artist, album or genre matches at most this many tracks is answered by scanning them exactly.</summary>
    [ConfigurationKeyName("HNSW_FILTERED_EXACT_BELOW")]
    [Range(0, int.MaxValue)]
    public int HnswFilteredExactBelow { get; set; } = HnswSettings.Default.FilteredExactBelow;

    /// <summary>The graph settings these options name.</summary>
    public HnswSettings HnswSettings => HnswSettings.Default with
    {
        M = HnswM,
        EfConstruction = HnswEfConstruction,
        EfSearch = HnswEfSearch,
        Quantization = HnswQuantization == "int8" ? Indexing.HnswQuantization.Int8 : Indexing.HnswQuantization.None,
        ExactBelow = HnswExactBelow,
        FilteredExactBelow = HnswFilteredExactBelow,
    };

    public VectorIndexKind VectorIndexKind => Kind == Exact ? VectorIndexKind.Exact : VectorIndexKind.Hnsw;

    /// <summary>An empty index of the configured kind and settings.</summary>
    public IPersistentVectorIndex CreateVectorIndex() =>
        VectorIndexKind == VectorIndexKind.Exact ? new ExactVectorIndex() : new HnswVectorIndex(HnswSettings);

    /// <summary>The index's snapshot file; its change logs (<c>.{generation}.journal</c>) sit beside it.</summary>
    [ConfigurationKeyName("SNAPSHOT_PATH")]
    [Required]
    public string SnapshotPath { get; set; } = Path.Combine(".data", "index", "tracks.snapshot");

    /// <summary>
    /// Size the change log may reach before it is folded into a new snapshot. Larger means fewer snapshot
    /// writes (each writes every vector) and a longer replay at start.
    /// </summary>
    [ConfigurationKeyName("JOURNAL_COMPACT_BYTES")]
    [Range(0, long.MaxValue)]
    public long JournalCompactBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Seconds between reconciliations with the stored tracks. Tracks finalized by this instance are
    /// searchable at once; those finalized by other instances after this long at most.
    /// </summary>
    [ConfigurationKeyName("SYNC_INTERVAL_S")]
    [Range(0.1, 86_400)]
    public double SyncIntervalSeconds { get; set; } = 30;
}
