namespace AudioFunctions.Sessions;

/// <summary>What <c>end</c> reports; kept in the session record so a repeated <c>end</c> answers the same.</summary>
public sealed record StreamEndResult(
    string TrackId,
    double DurationSeconds,
    int WindowsProcessed,
    bool TextStored,
    bool AudioStored);
