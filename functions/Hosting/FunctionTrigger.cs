namespace AudioFunctions.Functions.Hosting;

/// <summary>What starts a function: an HTTP request or a schedule.</summary>
public abstract record FunctionTrigger;
