namespace AudioFunctions.Sessions;

/// <summary>The stored registry document: every session that holds a track and a slot of the limit.</summary>
public sealed record ActiveSessionTable
{
    public IReadOnlyList<ActiveSessionEntry> Entries { get; init; } = [];
}
