using System.Net;
using System.Runtime.InteropServices;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;
using Xunit.Abstractions;

namespace AudioFunctions.Tests.Search;

/// <summary>
/// A corpus of synthesized tracks in five timbre families, each at several pitches and tempi,
/// streamed through the API: for most tracks the nearest other track by audio vector (the
/// reference client's "similar tracks") is of the same family.
/// </summary>
public sealed class CorpusSearchTests(AppFixture fixture, ITestOutputHelper output) : IClassFixture<AppFixture>
{
    private const int VariantsPerFamily = 6;

    /// <summary>The share of tracks whose nearest neighbour must be of their own family.</summary>
    private const double RequiredRate = 0.9;

    [Fact]
    public async Task NearestTrackByAudio_IsOfTheSameTimbreFamily_ForMostTracks()
    {
        var client = new StreamApiClient(fixture.App.Client);
        var families = Enum.GetValues<InstrumentFamily>();
        var corpus = new Dictionary<string, InstrumentFamily>();
        var run = Guid.NewGuid().ToString("N")[..8];
        foreach (var family in families)
            for (var variant = 0; variant < VariantsPerFamily; variant++)
            {
                var trackId = $"corpus-{run}-{family}-{variant}";
                var pcm = MemoryMarshal.AsBytes(SyntheticInstruments.Window(family, variant).AsSpan()).ToArray();
                var sessionId = await client.StartSessionAsync(trackId, "pcm_f32_le", 48_000, 1);
                (await client.SendFrameAsync(sessionId, pcm)).AssertStatus(HttpStatusCode.OK);
                Assert.True((await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK).Boolean("audio_stored"));
                corpus[trackId] = family;
            }

        var hits = 0;
        foreach (var (trackId, family) in corpus)
        {
            var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
            // Other tests' tracks may share this index: keep only this corpus, and leave the track itself out.
            var excluded = WireValue.Array([WireValue.String(trackId)]);
            var search = await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
                ("embedding", track.Field("audio_embedding")),
                ("collection", WireValue.String("audio")),
                ("limit", WireValue.Integer(1000)),
                ("filter", WireValue.Map(("exclude_ids", excluded)))));
            var nearest = search.AssertStatus(HttpStatusCode.OK).Field("results").AsArray()
                .Select(r => r.TryGetProperty("track_id", out var id) ? id.AsString() : "")
                .First(corpus.ContainsKey);
            Assert.NotEqual(trackId, nearest);
            if (corpus[nearest] == family)
                hits++;
            else
                output.WriteLine($"{trackId}: nearest is {nearest}");
        }

        var rate = (double)hits / corpus.Count;
        output.WriteLine($"nearest neighbour of the same family: {hits}/{corpus.Count} = {rate:P0}");
        Assert.True(rate >= RequiredRate, $"only {hits} of {corpus.Count} tracks have a same-family nearest neighbour");
    }
}
