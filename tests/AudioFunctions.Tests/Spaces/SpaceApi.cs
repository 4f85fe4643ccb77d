using System.Net;
using System.Runtime.InteropServices;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Spaces;

/// <summary>Streams tracks and drives the spaces endpoints of one app, as an operator's script would.</summary>
public sealed class SpaceApi(AppInstance app)
{
    public StreamApiClient Client { get; } = new(app.Client);

    /// <summary>Streams <paramref name="samples"/> (48 kHz mono) as a stored track and waits for it to be searchable.</summary>
    public async Task StreamTrackAsync(string trackId, float[] samples, bool store = true)
    {
        var sessionId = await Client.StartSessionAsync(trackId, "pcm_f32_le", 48_000, 1);
        (await Client.SendFrameAsync(sessionId, MemoryMarshal.AsBytes(samples.AsSpan()).ToArray())).AssertStatus(HttpStatusCode.OK);
        var end = (await Client.EndAsync(sessionId, store)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(store, end.Boolean("audio_stored"));
    }

    public async Task<ApiResponse> StartReembedAsync(string collection, string? embedder) =>
        await Client.PostAsync("/api/v1/spaces/reembed", embedder is null
            ? WireValue.Map(("collection", WireValue.String(collection)))
            : WireValue.Map(("collection", WireValue.String(collection)), ("embedder", WireValue.String(embedder))));

    public Task<ApiResponse> JobAsync(string jobId) => Client.SendAsync(HttpMethod.Get, $"/api/v1/spaces/jobs/{jobId}");

    public Task<ApiResponse> SpacesAsync() => Client.SendAsync(HttpMethod.Get, "/api/v1/spaces");

    public Task<ApiResponse> DeleteSpaceAsync(string collection, string space) => Client.SendAsync(HttpMethod.Delete, $"/api/v1/spaces/{collection}/{space}");

    public Task<ApiResponse> TrackAsync(string trackId) => Client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true");

    /// <summary>Polls the job until it is completed or failed (a minute at most).</summary>
    public async Task<ApiResponse> WaitForJobAsync(string jobId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var job = (await JobAsync(jobId)).AssertStatus(HttpStatusCode.OK);
            if (job.String("status") is "completed" or "failed" || DateTime.UtcNow > deadline)
                return job;
            await Task.Delay(100);
        }
    }

    public async Task<ApiResponse> SearchAsync(string collection, WireValue embedding, string? space = null, int limit = 10)
    {
        var fields = new List<(string, WireValue)>
        {
            ("collection", WireValue.String(collection)),
            ("embedding", embedding),
            ("limit", WireValue.Integer(limit)),
        };
        if (space is not null)
            fields.Add(("space", WireValue.String(space)));
        return await Client.PostAsync("/api/v1/tracks/search", WireValue.Map([.. fields]));
    }

    /// <summary>The (space, track count, active) rows of one collection in <c>GET /api/v1/spaces</c>.</summary>
    public static IReadOnlyList<(string Space, long Tracks, bool Active)> Spaces(ApiResponse overview, string collection) =>
        [.. overview.Field("spaces").AsMap().Single(e => e.Key == collection).Value.AsArray().Select(row =>
        {
            row.TryGetProperty("space", out var space);
            row.TryGetProperty("tracks", out var tracks);
            row.TryGetProperty("active", out var active);
            return (space!.AsString(), tracks!.TryGetInt64(out var n) ? n : -1, active!.AsBoolean());
        })];

    public static string ActiveSpace(ApiResponse overview, string collection) =>
        overview.Field("active").TryGetProperty(collection, out var value) ? value.AsString() : throw new Xunit.Sdk.XunitException($"no active {collection}");

    public static IReadOnlyList<string> Strings(ApiResponse response, string field) => [.. response.Field(field).AsArray().Select(v => v.AsString())];

    public static IReadOnlyList<string> ResultIds(ApiResponse search) =>
        [.. search.Field("results").AsArray().Select(r => r.TryGetProperty("track_id", out var id) ? id.AsString() : "")];
}
