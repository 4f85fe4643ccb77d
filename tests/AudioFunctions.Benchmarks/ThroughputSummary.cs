namespace AudioFunctions.Benchmarks;

/// <summary>Operations, bytes and latency percentiles of one measured run.</summary>
public sealed record ThroughputSummary(int Operations, long Bytes, TimeSpan WallTime, double P50Milliseconds, double P99Milliseconds)
{
    public double OperationsPerSecond => Operations / WallTime.TotalSeconds;

    public double MegabytesPerSecond => Bytes / 1e6 / WallTime.TotalSeconds;

    public string Line(string label, string unit) =>
        $"{label,-28} {OperationsPerSecond,10:F0} {unit}/s {MegabytesPerSecond,8:F2} MB/s   p50 {P50Milliseconds,7:F2} ms   p99 {P99Milliseconds,7:F2} ms   ({Operations} in {WallTime.TotalSeconds:F1} s)";
}
