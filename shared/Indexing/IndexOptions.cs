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
