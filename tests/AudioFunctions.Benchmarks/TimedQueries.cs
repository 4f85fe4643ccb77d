using System.Diagnostics;

namespace AudioFunctions.Benchmarks;

/// <summary>Queries 0..count−1 split round-robin over dedicated threads, each one timed.</summary>
public static class TimedQueries
{
    public static ThroughputSummary Run(int count, int threads, Action<int> query)
    {
        var recorder = new LatencyRecorder();
        var wall = Stopwatch.StartNew();
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var first = t;
            workers[t] = new Thread(() =>
            {
                for (var q = first; q < count; q += threads)
                {
                    var start = Stopwatch.GetTimestamp();
                    query(q);
                    recorder.Record(start, 0);
                }
            });
            workers[t].Start();
        }
        foreach (var worker in workers)
            worker.Join();
        return recorder.Summarise(wall.Elapsed);
    }
}
