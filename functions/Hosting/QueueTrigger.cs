namespace AudioFunctions.Functions.Hosting;

/// <summary>A function run for each message of a Storage queue.</summary>
/// <param name="QueueName">The queue's name without the deployment's container prefix.</param>
public sealed record QueueTrigger(string QueueName) : FunctionTrigger;
