using System.Globalization;

namespace AudioFunctions.Benchmarks;

/// <summary>Options of a benchmark command, given as <c>--name value</c>.</summary>
public sealed class BenchmarkArguments(IReadOnlyList<string> args)
{
    public int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Value(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A comma-separated list of integers, e.g. <c>--sizes 10000,100000</c>.</summary>
    public int[] Ints(string name, int[] fallback) => Value(name) is { } v
        ? Array.ConvertAll(v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), s => int.Parse(s, CultureInfo.InvariantCulture))
        : fallback;

    private string? Value(string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
            if (args[i] == "--" + name)
                return args[i + 1];
        return null;
    }
}
