using AudioFunctions.Tracks;

namespace AudioFunctions.Indexing;

/// <summary>
/// One change of a <see cref="TrackIndex"/>: a track's whole state (its document, version and every vector), or its
/// removal (<see cref="Track"/> null). Each entry sets a track's state outright, so replaying a run of entries over
/// a snapshot that already holds some of them ends in the same state.
/// </summary>
public sealed record IndexJournalEntry(string TrackId, IndexedTrack? Track, IReadOnlyList<TrackVector> Vectors)
{
    public static IndexJournalEntry Removal(string trackId) => new(trackId, null, []);
}
