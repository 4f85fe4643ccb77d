using AudioFunctions.Indexing;

namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>
/// The exact index's search contract (<see cref="ExactVectorIndexSearchTests"/>) with every search forced
/// through the graph (no exact thresholds) and efSearch above every test partition's size. A beam that
/// wide never stops early, so the walk reaches every node connected to the entry point; exact answers here prove that the graph is connected, that filters act
/// inside the walk, and that ranking and tie-breaks match the exact index.
/// </summary>
public sealed class HnswVectorIndexGraphContractTests : ExactVectorIndexSearchTests
{
    protected override IVectorIndex NewIndex() =>
        new HnswVectorIndex(new HnswSettings(EfSearch: 8_192, ExactBelow: 0, FilteredExactBelow: 0));
}
