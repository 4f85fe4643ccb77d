namespace AudioFunctions.Sessions;

/// <summary>What one expiry sweep did.</summary>
/// <param name="Checked">Registry entries looked at.</param>
/// <param name="Expired">Sessions that expired in this sweep.</param>
/// <param name="Released">Entries dropped because their session was no longer active.</param>
public sealed record SweepReport(int Checked, int Expired, int Released);
