using System.Collections.Concurrent;
using System.Diagnostics;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing.Hnsw;

/// <summary>
/// Searches racing graph inserts, replacements and removals. A torn vector or neighbour list would show as
/// a score that matches none of a track's vectors, an unknown id, a duplicate, disorder or an exception.
/// </summary>
public sealed class HnswVectorIndexConcurrencyTests
{
    private const int Dimensions = 32;
    private const int StableTracks = 3_000;
    private const int ChurnTracks = 200;
    private const int NewTracks = 3_000;
    private const int VersionsPerChurnTrack = 3;
    private static readonly EmbeddingSpace _space = new("clap", "v1", Dimensions);
    private static readonly TimeSpan _duration = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(HnswQuantization.None)]
    [InlineData(HnswQuantization.Int8)]
    public async Task WritersInsertingWhileReadersSearch_EveryResultIsWellFormed(HnswQuantization quantization)
    {
        var random = new Random(202);
        var stable = RandomTracks(random, StableTracks, Dimensions, "stable");
        var churn = RandomTracks(random, ChurnTracks, Dimensions, "churn");
        var fresh = RandomTracks(random, NewTracks, Dimensions, "new");
        var vectorsOf = stable.Concat(fresh).ToDictionary(t => t.Id, t => new[] { t.Vector });
        foreach (var track in churn)
            vectorsOf[track.Id] = [.. Enumerable.Range(0, VersionsPerChurnTrack).Select(_ => RandomVector(random, Dimensions))];
        var fieldsById = stable.Concat(churn).Concat(fresh).ToDictionary(t => t.Id, t => t.Fields);
        // A small efSearch keeps every walk short of the whole graph, and no exact thresholds: the graph path.
        var index = new HnswVectorIndex(new HnswSettings(EfSearch: 16, Quantization: quantization, ExactBelow: 0, FilteredExactBelow: 0));
        foreach (var track in stable)
            index.Upsert(VectorCollection.Audio, _space, track.Id, track.Vector, track.Fields);

        var failures = new ConcurrentQueue<string>();
        var searches = 0L;
        var writes = 0L;
        var nextFresh = -1;
        var deadline = Stopwatch.StartNew();

        void Guard(Action<Random> body, int seed)
        {
            var r = new Random(seed);
            try
            {
                while (deadline.Elapsed < _duration && failures.Count < 20)
                    body(r);
            }
            catch (Exception e)
            {
                failures.Enqueue(e.ToString());
            }
        }

        void Write(Random r)
        {
            var n = Interlocked.Increment(ref nextFresh);
            if (n < NewTracks && r.Next(2) == 0)
            {
                index.Upsert(VectorCollection.Audio, _space, fresh[n].Id, fresh[n].Vector, fresh[n].Fields);
            }
            else
            {
                var track = churn[r.Next(ChurnTracks)];
                if (r.Next(4) == 0)
                    index.Remove(VectorCollection.Audio, _space, track.Id);
                else
                    index.Upsert(VectorCollection.Audio, _space, track.Id, vectorsOf[track.Id][r.Next(VersionsPerChurnTrack)], track.Fields);
            }
            Interlocked.Increment(ref writes);
        }

        void Search(Random r)
        {
            var query = RandomVector(r, Dimensions);
            var k = 1 + r.Next(40);
            var filter = r.Next(3) switch
            {
                0 => SearchFilter.None,
                1 => Filter(genre: "jazz", excludeIds: [stable[r.Next(StableTracks)].Id, churn[r.Next(ChurnTracks)].Id]),
                _ => Filter(artist: "MILES"),
            };
            var hits = index.Search(VectorCollection.Audio, _space, query, k, filter);
            Interlocked.Increment(ref searches);

            var stableMatching = stable.Count(t => filter.Matches(t.Fields, t.Id));
            if (hits.Count < Math.Min(k, stableMatching) || hits.Count > k)
                failures.Enqueue($"{hits.Count} hits for k={k} with {stableMatching} stable tracks matching");
            if (hits.Select(h => h.TrackId).Distinct().Count() != hits.Count)
                failures.Enqueue("a track appears twice in one result");
            for (var i = 0; i < hits.Count; i++)
            {
                var hit = hits[i];
                if (i > 0 && hit.Score > hits[i - 1].Score)
                    failures.Enqueue($"hits out of order at {i}");
                if (!fieldsById.TryGetValue(hit.TrackId, out var fields))
                {
                    failures.Enqueue($"unknown track {hit.TrackId}");
                    continue;
                }
                if (!filter.Matches(fields, hit.TrackId))
                    failures.Enqueue($"{hit.TrackId} does not match the filter");
                if (!vectorsOf[hit.TrackId].Any(v => Math.Abs(Cosine(query, v) - hit.Score) <= ScoreTolerance))
                    failures.Enqueue($"{hit.TrackId} scored {hit.Score}, which matches none of its vectors");
            }
        }

        Task Run(Action<Random> body, int seed) => Task.Factory.StartNew(() => Guard(body, seed), TaskCreationOptions.LongRunning);
        await Task.WhenAll(Run(Write, 1), Run(Write, 2), Run(Search, 3), Run(Search, 4), Run(Search, 5), Run(Search, 6));

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
        Assert.True(searches > 200 && writes > 500, $"only {searches} searches and {writes} writes ran");
        var count = index.Count(VectorCollection.Audio, _space);
        Assert.InRange(count, StableTracks, StableTracks + ChurnTracks + NewTracks);
    }
}
