namespace AudioFunctions.Indexing;

/// <summary>
/// Parameters of an <see cref="HnswVectorIndex"/> (Malkov &amp; Yashunin's HNSW).
/// </summary>
/// <param name="M">Links per node on the upper layers; layer 0 keeps up to 2·M. Level 0 costs 8·M bytes per node.</param>
/// <param name="EfConstruction">Candidate list size while inserting: larger builds a better graph, linearly slower.</param>
/// <param name="EfSearch">Candidate list size while searching (at least k is used): the recall / latency knob.</param>
/// <param name="Quantization">What the search walk reads; see <see cref="HnswQuantization"/>.</param>
/// <param name="ExactBelow">
/// Partitions holding fewer live vectors than this are searched by exhaustive scan. Below about 2,000
/// 512-d vectors a scan (≈ 0.1 ms) costs no more than a graph walk and is exact.
/// </param>
/// <param name="FilteredExactBelow">
/// When the tracks a filter's artist, album or genre can match number at most this many, those tracks
/// are scanned exactly instead of walking the graph. A walk with a filter of selectivity s visits about
/// 1/s times the nodes of an unfiltered walk (≈ 2,000–3,000 dot products at efSearch 64), so for a
/// matching set of m vectors out of n the walk costs ≈ 2,500·n/m random reads against m sequential ones
/// for the scan; the two meet near m = √(2,500·n), 50,000 at n = 1M. 20,000 keeps the scan at a few
/// milliseconds at 512-d while still covering every filter rarer than 2 % of a million tracks.
/// </param>
/// <param name="RebuildDeletedFraction">
/// When deleted (removed or replaced) nodes exceed this fraction of a partition's nodes, the partition is
/// rebuilt from its live vectors, which returns their memory and restores the graph's quality.
/// </param>
public sealed record HnswSettings(
    int M = 16,
    int EfConstruction = 128,
    int EfSearch = 64,
    HnswQuantization Quantization = HnswQuantization.None,
    int ExactBelow = 2_000,
    int FilteredExactBelow = 20_000,
    double RebuildDeletedFraction = 0.25)
{
    /// <summary>The reference system's parameters: M 16, efConstruction 128, efSearch 64, float32.</summary>
    public static HnswSettings Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(M, 2, nameof(M));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(M, 256, nameof(M));
        ArgumentOutOfRangeException.ThrowIfLessThan(EfConstruction, 1, nameof(EfConstruction));
        ArgumentOutOfRangeException.ThrowIfLessThan(EfSearch, 1, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfNegative(ExactBelow, nameof(ExactBelow));
        ArgumentOutOfRangeException.ThrowIfNegative(FilteredExactBelow, nameof(FilteredExactBelow));
        if (!Enum.IsDefined(Quantization))
            throw new ArgumentOutOfRangeException(nameof(Quantization), Quantization, "Unknown quantization.");
        if (!(RebuildDeletedFraction is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(RebuildDeletedFraction), RebuildDeletedFraction, "A fraction in (0, 1].");
    }
}
