using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>Names one partition of an index: vectors are only ever compared within one key.</summary>
internal readonly record struct PartitionKey(VectorCollection Collection, EmbeddingSpace Space);
