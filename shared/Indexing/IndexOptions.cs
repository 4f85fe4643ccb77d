using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Indexing;

/// <summary>The embedded index (section <c>INDEX</c>): where its snapshot lives and how often it catches up with storage.</summary>
public sealed class IndexOptions
{
    public const string Section = "INDEX";

    /// <summary>Snapshot file of the vectors; a sidecar <c>.tracks.json</c> beside it holds the tracks' metadata.</summary>
    [ConfigurationKeyName("SNAPSHOT_PATH")]
    [Required]
    public string SnapshotPath { get; set; } = Path.Combine(".data", "index", "vectors.snapshot");

    /// <summary>
    /// Seconds between reconciliations with the stored tracks. Tracks finalized by this instance are
    /// searchable at once; those finalized by other instances after this long at most.
    /// </summary>
    [ConfigurationKeyName("SYNC_INTERVAL_S")]
    [Range(0.1, 86_400)]
    public double SyncIntervalSeconds { get; set; } = 30;
}
