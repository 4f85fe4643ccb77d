using System.Collections.Concurrent;
using System.Diagnostics;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using static AudioFunctions.Tests.Indexing.IndexTestData;

namespace AudioFunctions.Tests.Indexing;

/// <summary>
/// Searches, reads and snapshots racing upserts and removals. A torn state (a row half overwritten, a row
/// whose id and vector disagree) would show as a score that matches none of the vectors a track ever had.
/// </summary>
public sealed class ExactVectorIndexConcurrencyTests
{
    private const int Dimensions = 32;
    private const int StableTracks = 300;
    private const int ChurnTracks = 60;
    private const int VersionsPerChurnTrack = 3;
    private static readonly EmbeddingSpace _space = new("clap", "v1", Dimensions);
    private static readonly TimeSpan _duration = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task ConcurrentReadersAndWriters_NeverSeeATornState()
    {
        var random = new Random(101);
        // Stable tracks are written once, before the race; churn tracks are rewritten (one of a few fixed
        // vectors each) and removed throughout it.
        var stable = RandomTracks(random, StableTracks, Dimensions, "stable");
        var churn = RandomTracks(random, ChurnTracks, Dimensions, "churn");
        var churnVersions = churn.ToDictionary(t => t.Id, _ => Enumerable.Range(0, VersionsPerChurnTrack).Select(_ => RandomVector(random, Dimensions)).ToArray());
        var fieldsById = stable.Concat(churn).ToDictionary(t => t.Id, t => t.Fields);
        var stableById = stable.ToDictionary(t => t.Id);
        var index = IndexOf(stable, _space);

        var failures = new ConcurrentQueue<string>();
        var searches = 0L;
        var writes = 0L;
        var deadline = Stopwatch.StartNew();

        void Guard(Action<Random> body, int seed) // runs body until the deadline, recording any exception
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
            var track = churn[r.Next(ChurnTracks)];
            if (r.Next(4) == 0)
                index.Remove(VectorCollection.Audio, _space, track.Id);
            else
                index.Upsert(VectorCollection.Audio, _space, track.Id, churnVersions[track.Id][r.Next(VersionsPerChurnTrack)], track.Fields, "w");
            Interlocked.Increment(ref writes);
        }

        void Search(Random r)
        {
            var query = RandomVector(r, Dimensions);
            var k = 1 + r.Next(60);
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
                if (!filter.Matches(fieldsById[hit.TrackId], hit.TrackId))
                    failures.Enqueue($"{hit.TrackId} does not match the filter");
                var possible = stableById.TryGetValue(hit.TrackId, out var track) ? new[] { track.Vector } : churnVersions[hit.TrackId];
                if (!possible.Any(v => Math.Abs(Cosine(query, v) - hit.Score) <= ScoreTolerance))
                    failures.Enqueue($"{hit.TrackId} scored {hit.Score}, which matches none of its vectors");
            }
        }

        void Read(Random r)
        {
            var stored = new float[Dimensions];
            var track = churn[r.Next(ChurnTracks)];
            if (index.TryGetVector(VectorCollection.Audio, _space, track.Id, stored)
                && !churnVersions[track.Id].Any(v => Math.Abs(Cosine(stored, v) - 1) <= 1e-6))
                failures.Enqueue($"{track.Id} read back a vector it never had");
            var count = index.Count(VectorCollection.Audio, _space);
            var versions = index.Versions(VectorCollection.Audio, _space);
            if (count is < StableTracks or > StableTracks + ChurnTracks || versions.Count is < StableTracks or > StableTracks + ChurnTracks)
                failures.Enqueue($"count {count}, versions {versions.Count}");
        }

        void Snapshot(Random r)
        {
            using var stream = new MemoryStream();
            index.SaveSnapshot(stream);
            stream.Position = 0;
            var count = ExactVectorIndex.LoadSnapshot(stream).Count(VectorCollection.Audio, _space);
            if (count is < StableTracks or > StableTracks + ChurnTracks)
                failures.Enqueue($"snapshot holds {count} tracks");
        }

        Task Run(Action<Random> body, int seed) => Task.Factory.StartNew(() => Guard(body, seed), TaskCreationOptions.LongRunning);
        await Task.WhenAll(
            Run(Write, 1), Run(Write, 2),
            Run(Search, 3), Run(Search, 4), Run(Search, 5), Run(Search, 6),
            Run(Read, 7), Run(Snapshot, 8));

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
        Assert.True(searches > 200 && writes > 1_000, $"only {searches} searches and {writes} writes ran");
    }
}
