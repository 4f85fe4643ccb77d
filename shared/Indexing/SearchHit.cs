namespace AudioFunctions.Indexing;

/// <summary>One result of a search: a track and its cosine similarity to the query, in [-1, 1].</summary>
public readonly record struct SearchHit(string TrackId, float Score);
