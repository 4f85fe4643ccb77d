using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>One search result: a track, its cosine similarity to the query, and its metadata.</summary>
public sealed record TrackSearchResult(string TrackId, float Score, TrackMetadata Metadata);
