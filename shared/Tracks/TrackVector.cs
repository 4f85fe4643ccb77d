using AudioFunctions.Embedding;
using AudioFunctions.Indexing;

namespace AudioFunctions.Tracks;

/// <summary>One vector of a track: its collection, its space and its (unit-length) values.</summary>
public sealed record TrackVector(VectorCollection Collection, EmbeddingSpace Space, float[] Values);
