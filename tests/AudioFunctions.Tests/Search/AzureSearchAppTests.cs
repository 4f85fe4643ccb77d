using System.Net;
using AudioFunctions.Errors;
using AudioFunctions.Tests.Indexing.AzureSearch;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Search;

/// <summary>
/// With <c>INDEX__BACKEND=azure-search</c> the app's searches and stored tracks really go to the search service: its
/// indexes hold the tracks, the search endpoint's answers come from its responses, and an outage is a 503.
/// </summary>
public sealed class AzureSearchAppTests(AzureSearchAppFixture fixture) : IClassFixture<AzureSearchAppFixture>
{
    [Fact]
    public async Task StoredTracks_LandInTheServicesIndexes_AndSearchAsksTheService()
    {
        var client = new StreamApiClient(fixture.App.Client);
        var trackId = "azure-app-" + Guid.NewGuid().ToString("N")[..8];
        var sessionId = await client.StartSessionAsync(trackId, "pcm_s16_le", 48_000, 1);
        (await client.SendFrameAsync(sessionId, TestSignals.Sine(new AudioFunctions.Audio.StreamAudioFormat(AudioFunctions.Audio.PcmEncoding.S16Le, 48_000, 1), 12))).AssertStatus(HttpStatusCode.OK);
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        Assert.Contains("audiofunctions-audio-dsp-1-512", fixture.Service.IndexNames);
        Assert.Contains("audiofunctions-text-lexical-1-512", fixture.Service.IndexNames);
        var key = AudioFunctions.Indexing.AzureSearch.AzureSearchIndexDefinition.DocumentKey(trackId);
        Assert.True(fixture.Service.Documents("audiofunctions-audio-dsp-1-512").ContainsKey(key));

        var track = (await client.SendAsync(HttpMethod.Get, $"/api/v1/tracks/{trackId}?include_audio=true")).AssertStatus(HttpStatusCode.OK);
        var searchesBefore = fixture.Service.Transport.Requests.Count(r => r.Path.EndsWith("docs/search.post.search", StringComparison.Ordinal));
        var search = (await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", track.Field("audio_embedding")), ("collection", WireValue.String("audio")), ("limit", WireValue.Integer(5))))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(searchesBefore + 1, fixture.Service.Transport.Requests.Count(r => r.Path.EndsWith("docs/search.post.search", StringComparison.Ordinal)));
        Assert.True(search.Field("results").AsArray()[0].TryGetProperty("track_id", out var first) && first.AsString() == trackId);

        // The service throttling past every retry is an outage for the client, not an internal error.
        for (var i = 0; i < 10; i++)
            fixture.Service.FailNext(FakeAzureSearchService.Error(503, "ServiceUnavailable", "busy"));
        (await client.PostAsync("/api/v1/tracks/search", WireValue.Map(
            ("embedding", track.Field("audio_embedding")), ("collection", WireValue.String("audio"))))).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.SearchUnavailable);
    }
}
