using AudioFunctions.Indexing;

namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>
/// The exact index's search contract, run against <see cref="HnswVectorIndex"/> on its exact path: the
/// contract's partitions hold at most 5,000 tracks, all below <see cref="HnswSettings.ExactBelow"/> here,
/// so results, filters and ties must agree exactly.
/// </summary>
public sealed class HnswVectorIndexContractTests : ExactVectorIndexSearchTests
{
    protected override IVectorIndex NewIndex() => new HnswVectorIndex(new HnswSettings(ExactBelow: 5_001));
}
