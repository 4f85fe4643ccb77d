using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>A track in the index, with the version of its stored document it was indexed from.</summary>
public sealed record IndexedTrack(StoredTrack Track, string Version);
