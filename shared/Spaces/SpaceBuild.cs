namespace AudioFunctions.Spaces;

/// <summary>A space a job is filling (or emptying): its collection's wire name, its id, and the job.</summary>
public sealed record SpaceBuild(string Collection, string Space, string JobId);
