using System.Diagnostics;

namespace AudioFunctions.Benchmarks;

/// <summary>Collects per-operation latencies from many tasks and summarises them.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];
    private long _bytes;

    public void Record(long startTimestamp, int bytes)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        lock (_milliseconds)
            _milliseconds.Add(elapsed);
        Interlocked.Add(ref _bytes, bytes);
    }

    public ThroughputSummary Summarise(TimeSpan wallTime)
    {
        double[] sorted;
        lock (_milliseconds)
            sorted = [.. _milliseconds];
        Array.Sort(sorted);
        return new ThroughputSummary(
            sorted.Length,
            Interlocked.Read(ref _bytes),
            wallTime,
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
