namespace AudioFunctions.Spaces;

/// <summary>A track a job could not handle, and why.</summary>
public sealed record SpaceJobError(string TrackId, string Error);
