namespace AudioFunctions.Functions.Hosting;

/// <summary>A timer function as the app runs it locally: its body, and the interval to run it at.</summary>
public sealed record LocalTimer(
    FunctionDeclaration Function,
    Func<IServiceProvider, TimeSpan> Interval,
    Func<IServiceProvider, CancellationToken, Task<string>> Run);
