namespace AudioFunctions.Functions.Hosting;

/// <summary>Every function the app declares, filled as endpoints are mapped.</summary>
public sealed class FunctionCatalog
{
    private readonly List<FunctionDeclaration> _functions = [];
    private readonly List<LocalTimer> _timers = [];

    public IReadOnlyList<FunctionDeclaration> Functions => _functions;

    /// <summary>Timers the app runs by itself when no Functions host is there to trigger them.</summary>
    public IReadOnlyList<LocalTimer> Timers => _timers;

    internal void Add(FunctionDeclaration function)
    {
        if (_functions.Exists(f => string.Equals(f.Name, function.Name, StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"Function '{function.Name}' is declared twice.");
        _functions.Add(function);
    }

    internal void AddTimer(LocalTimer timer) => _timers.Add(timer);
}
