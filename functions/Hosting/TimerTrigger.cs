namespace AudioFunctions.Functions.Hosting;

/// <summary>A function run on a schedule.</summary>
/// <param name="Schedule">Six-field NCRONTAB expression the Functions host runs it on in Azure.</param>
public sealed record TimerTrigger(string Schedule) : FunctionTrigger;
