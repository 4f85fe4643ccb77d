using System.Net;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Search;

/// <summary>A track the search tests stream: its metadata and the synthetic instrument that plays it.</summary>
internal sealed record SearchTrack(string TrackId, string Name, string[] Artists, string Album, string[] Genres, InstrumentFamily Family, int Variant)
{
    public WireValue Metadata => WireValue.Map(
        ("name", WireValue.String(Name)),
        ("artists", WireValue.Array([.. Artists.Select(WireValue.String)])),
        ("album", WireValue.String(Album)),
        ("genres", WireValue.Array([.. Genres.Select(WireValue.String)])));
}

/// <summary>One result of <c>POST /api/v1/tracks/search</c>.</summary>
internal sealed record SearchResult(string TrackId, double Score, WireValue Metadata);

/// <summary>
/// Shared pieces of the search API tests (reference 000, Flow 2): streaming a library of tracks once per
/// test-class app, request bodies, and the checks every search answer must pass.
/// </summary>
internal static class SearchApiData
{
    public const string EmbedTextPath = "/api/v1/embed/text";
    public const string SearchPath = "/api/v1/tracks/search";
    public const int Dimensions = 512;

    /// <summary>A fragment that makes this run's track ids unique.</summary>
    public static string NewRunId() => Guid.NewGuid().ToString("N")[..8];

    public static string TrackPath(string trackId, bool includeAudio = false) =>
        $"/api/v1/tracks/{Uri.EscapeDataString(trackId)}" + (includeAudio ? "?include_audio=true" : "");

    /// <summary>
    /// <paramref name="setup"/> run once per fixture (so once per test class), started by the first test that
    /// needs it; later tests await the same task.
    /// </summary>
    public static Task<T> Once<T>(AppFixture fixture, Func<AppInstance, Task<T>> setup) where T : class =>
        Cache<T>.Setups.GetValue(fixture, f => new Lazy<Task<T>>(() => setup(f.App))).Value;

    /// <summary>
    /// Streams each track as one 10 s window of 48 kHz mono <c>pcm_f32_le</c> (start → frame → end), a few at
    /// a time, asserting each <c>end</c> answers 200 with both vectors stored.
    /// </summary>
    public static async Task StreamAllAsync(AppInstance app, IReadOnlyCollection<SearchTrack> tracks)
    {
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(tracks.Select(async track =>
        {
            await gate.WaitAsync();
            try
            {
                await StreamAsync(new StreamApiClient(app.Client), track);
            }
            finally
            {
                gate.Release();
            }
        }));
        await WaitUntilSearchableAsync(app, [.. tracks.Select(t => t.TrackId)]);
    }

    /// <summary>
    /// Waits (up to 15 s) until every one of <paramref name="trackIds"/> is in both collections. An <c>end</c> that
    /// answered 200 puts its track in the index at once, but a periodic reconcile that listed storage before that
    /// track's document existed drops the track again until the next reconcile (TrackIndex.ReconcileAsync); once no
    /// track is being stored any more, the index settles, so the tests after this see a fixed library.
    /// </summary>
    public static async Task WaitUntilSearchableAsync(AppInstance app, IReadOnlyCollection<string> trackIds)
    {
        var client = new StreamApiClient(app.Client);
        var query = Floats(UnitVector(Dimensions));
        var missing = new List<string>();
        var settled = await PipelineProbe.EventuallyAsync(async () =>
        {
            missing.Clear();
            foreach (var collection in new[] { "text", "audio" })
            {
                var found = Ids(Results(await client.PostAsync(SearchPath, SearchBody(collection, query, 1000))));
                missing.AddRange(trackIds.Except(found).Select(id => $"{collection}:{id}"));
            }
            return missing.Count == 0;
        }, TimeSpan.FromSeconds(15));
        Assert.True(settled, $"stored tracks not searchable: {string.Join(", ", missing)}");
    }

    public static async Task StreamAsync(StreamApiClient client, SearchTrack track)
    {
        var start = await client.StartAsync(track.TrackId, "pcm_f32_le", 48_000, 1, track.Metadata);
        var sessionId = start.AssertStatus(HttpStatusCode.OK).String("session_id");
        var pcm = MemoryMarshal.AsBytes(SyntheticInstruments.Window(track.Family, track.Variant).AsSpan()).ToArray();
        (await client.SendFrameAsync(sessionId, pcm)).AssertStatus(HttpStatusCode.OK);
        var end = (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);
        Assert.True(end.Boolean("audio_stored"), $"{track.TrackId}: no audio vector stored: {end.Body}");
        Assert.True(end.Boolean("text_stored"), $"{track.TrackId}: no text vector stored: {end.Body}");
    }

    public static WireValue Strings(IEnumerable<string> values) => WireValue.Array([.. values.Select(WireValue.String)]);

    public static WireValue Floats(IEnumerable<float> values) => WireValue.FloatArray([.. values]);

    /// <summary>A unit vector of <paramref name="length"/> floats that is not all zeros.</summary>
    public static float[] UnitVector(int length)
    {
        var vector = new float[length];
        for (var i = 0; i < length; i++)
            vector[i] = MathF.Sin(i + 1);
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    /// <summary>A search body; a null <paramref name="limit"/> or <paramref name="filter"/> leaves the field out.</summary>
    public static WireValue SearchBody(string collection, WireValue embedding, long? limit = null, WireValue? filter = null)
    {
        var fields = new List<KeyValuePair<string, WireValue>>
        {
            new("collection", WireValue.String(collection)),
            new("embedding", embedding),
        };
        if (limit is { } l)
            fields.Add(new("limit", WireValue.Integer(l)));
        if (filter is not null)
            fields.Add(new("filter", filter));
        return WireValue.Map(fields);
    }

    /// <summary>A <c>filter</c> map holding only the fields given.</summary>
    public static WireValue Filter(IEnumerable<string>? excludeIds = null, string? artist = null, string? album = null, string? genre = null)
    {
        var fields = new List<KeyValuePair<string, WireValue>>();
        if (excludeIds is not null)
            fields.Add(new("exclude_ids", Strings(excludeIds)));
        if (artist is not null)
            fields.Add(new("artist", WireValue.String(artist)));
        if (album is not null)
            fields.Add(new("album", WireValue.String(album)));
        if (genre is not null)
            fields.Add(new("genre", WireValue.String(genre)));
        return WireValue.Map(fields);
    }

    /// <summary>The numbers of a list, failing the test on anything that is not a number.</summary>
    public static float[] ToFloats(WireValue list) =>
        [.. list.AsArray().Select((v, i) => v.TryGetDouble(out var d) ? (float)d : throw new Xunit.Sdk.XunitException($"item {i} is not a number: {v}"))];

    /// <summary>Asserts a vector of 512 finite numbers with L2 norm 1 (±1e-4) and returns it.</summary>
    public static float[] AssertUnitVector(WireValue list)
    {
        var vector = ToFloats(list);
        Assert.Equal(Dimensions, vector.Length);
        Assert.All(vector, v => Assert.True(float.IsFinite(v), $"{v} is not finite"));
        var norm = TensorPrimitives.Norm(vector);
        Assert.True(Math.Abs(norm - 1) <= 1e-4, $"norm is {norm}, not 1");
        return vector;
    }

    /// <summary>
    /// The results of a 200 search answer, after checking its shape: <c>count</c> equals the number of results,
    /// scores are in [-1, 1] and sorted descending, and each result has a <c>track_id</c> and <c>metadata</c> with a <c>name</c>.
    /// </summary>
    public static IReadOnlyList<SearchResult> Results(ApiResponse response)
    {
        response.AssertStatus(HttpStatusCode.OK);
        var items = response.Field("results").AsArray();
        Assert.Equal(items.Count, response.Integer("count"));
        var results = new List<SearchResult>(items.Count);
        foreach (var item in items)
        {
            Assert.True(item.TryGetProperty("track_id", out var id) && id.Kind == WireKind.String, $"result without a track_id: {item}");
            Assert.True(item.TryGetProperty("score", out var scoreValue), $"result without a score: {item}");
            Assert.True(scoreValue.TryGetDouble(out var score), $"score is not a number: {item}");
            Assert.InRange(score, -1.0 - 1e-6, 1.0 + 1e-6);
            Assert.True(item.TryGetProperty("metadata", out var metadata) && metadata.Kind == WireKind.Map, $"result without metadata: {item}");
            Assert.True(metadata.TryGetProperty("name", out var name) && name.Kind == WireKind.String, $"metadata without a name: {item}");
            results.Add(new SearchResult(id.AsString(), score, metadata));
        }
        for (var i = 1; i < results.Count; i++)
            Assert.True(results[i - 1].Score >= results[i].Score, $"results not sorted by score: {results[i - 1].Score} before {results[i].Score}");
        Assert.Equal(results.Count, results.Select(r => r.TrackId).Distinct(StringComparer.Ordinal).Count());
        return results;
    }

    public static string[] Ids(IEnumerable<SearchResult> results) => [.. results.Select(r => r.TrackId)];

    private static class Cache<T> where T : class
    {
        public static readonly ConditionalWeakTable<AppFixture, Lazy<Task<T>>> Setups = new();
    }
}
