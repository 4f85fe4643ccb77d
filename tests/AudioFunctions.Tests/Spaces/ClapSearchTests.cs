using System.Net;
using AudioFunctions.Errors;
using AudioFunctions.Tests.Embedding.Clap;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Spaces;

/// <summary>
/// The CLAP path end to end on the real app: streams become audio vectors through the CLAP feature extractor and
/// audio model, a text query through the tokenizer and text model, and the query finds the matching audio. The
/// models are <see cref="TinyClapModel"/>s (the export's exact inputs and outputs; "low", "middle" and "high" sit
/// on the mel bands of 300 Hz, 1250 Hz and 5 kHz tones).
/// </summary>
public sealed class ClapSearchTests : IDisposable
{
    private readonly string modelDirectory = Path.Combine(Path.GetTempPath(), "tiny-clap-" + Guid.NewGuid().ToString("N"));

    public ClapSearchTests() => TinyClapModel.Write(modelDirectory);

    public void Dispose() => Directory.Delete(modelDirectory, recursive: true);

    private async Task<AppInstance> StartAsync(string audio, string text) =>
        await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), new Dictionary<string, string?>
        {
            ["EMBEDDING__AUDIO"] = audio,
            ["EMBEDDING__TEXT"] = text,
            ["EMBEDDING__CLAP_MODEL_DIR"] = modelDirectory,
            ["EMBEDDING__SPACES_REFRESH_S"] = "0.5",
        });

    private static async Task StreamTonesAsync(SpaceApi api)
    {
        for (var i = 0; i < TinyClapModel.Words.Length; i++)
            await api.StreamTrackAsync($"tone-{TinyClapModel.Words[i]}", TinyClapModel.Tone(TinyClapModel.ToneFrequenciesHz[i]));
    }

    /// <summary>Embeds <paramref name="text"/> with the active text embedder and searches the audio collection with it.</summary>
    private static async Task<IReadOnlyList<string>> TextToAudioAsync(SpaceApi api, string text)
    {
        var embedded = (await api.Client.PostAsync("/api/v1/embed/text", WireValue.Map(("text", WireValue.String(text))))).AssertStatus(HttpStatusCode.OK);
        return SpaceApi.ResultIds((await api.SearchAsync("audio", embedded.Field("embedding"))).AssertStatus(HttpStatusCode.OK));
    }

    [Fact]
    public async Task TextQuery_FindsTheToneItDescribes_WhenClapIsConfigured()
    {
        await using var app = await StartAsync("clap", "clap");
        var api = new SpaceApi(app);
        await StreamTonesAsync(api);

        var health = (await api.Client.SendAsync(HttpMethod.Get, "/api/health")).AssertStatus(HttpStatusCode.OK);
        Assert.StartsWith("clap-1-m", health.Field("active_spaces").AsMap().Single(e => e.Key == "audio").Value.AsString());
        var overview = (await api.SpacesAsync()).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(SpaceApi.ActiveSpace(overview, "audio"), SpaceApi.ActiveSpace(overview, "text"));   // one joint space
        foreach (var word in TinyClapModel.Words)
            Assert.Equal($"tone-{word}", (await TextToAudioAsync(api, word))[0]);
        Assert.Equal("tone-low", (await TextToAudioAsync(api, "a low hum"))[0]);
    }

    [Fact]
    public async Task ReembeddingBothCollectionsIntoClap_MakesTextFindAudio()
    {
        await using var app = await StartAsync("dsp", "lexical");
        var api = new SpaceApi(app);
        await StreamTonesAsync(api);
        var before = (await api.SpacesAsync()).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(("dsp-1-512", "lexical-1-512"), (SpaceApi.ActiveSpace(before, "audio"), SpaceApi.ActiveSpace(before, "text")));

        foreach (var collection in new[] { "audio", "text" })
        {
            var job = (await api.StartReembedAsync(collection, "clap")).AssertStatus(HttpStatusCode.Accepted);
            Assert.Equal("completed", (await api.WaitForJobAsync(job.String("job_id"))).String("status"));
        }

        foreach (var word in TinyClapModel.Words)
            Assert.Equal($"tone-{word}", (await TextToAudioAsync(api, word))[0]);
        // The old text space still answers a query embedded in it, when the request names it.
        var old = (await api.Client.PostAsync("/api/v1/embed/text", WireValue.Map(("text", WireValue.String("tone-low")), ("space", WireValue.String("lexical-1-512"))))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("lexical-1-512", old.String("space"));
        Assert.Equal("tone-low", SpaceApi.ResultIds((await api.SearchAsync("text", old.Field("embedding"), "lexical-1-512")).AssertStatus(HttpStatusCode.OK))[0]);
    }

    [Fact]
    public async Task AMissingModelFolder_IsReportedByHealth_AndStreamsAreRefused()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), new Dictionary<string, string?>
        {
            ["EMBEDDING__AUDIO"] = "clap",
            ["EMBEDDING__CLAP_MODEL_DIR"] = Path.Combine(modelDirectory, "missing"),
        });
        var api = new SpaceApi(app);

        var health = await api.Client.SendAsync(HttpMethod.Get, "/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        Assert.Equal("unhealthy", health.String("status"));
        Assert.Equal("reachable", health.String("storage"));
        var clap = health.Field("embedders").AsArray().Single(e => e.TryGetProperty("collection", out var c) && c.AsString() == "audio"
            && e.TryGetProperty("name", out var n) && n.AsString() == "clap");
        Assert.True(clap.TryGetProperty("ready", out var ready) && !ready.AsBoolean());
        Assert.True(clap.TryGetProperty("problem", out var problem) && problem.AsString().Contains("EMBEDDING__CLAP_MODEL_DIR", StringComparison.Ordinal));
        var dsp = health.Field("embedders").AsArray().Single(e => e.TryGetProperty("name", out var n) && n.AsString() == "dsp");
        Assert.True(dsp.TryGetProperty("ready", out var dspReady) && dspReady.AsBoolean());

        (await api.Client.StartAsync("refused-track")).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.EmbedderUnavailable, "EMBEDDING__CLAP_MODEL_DIR");
        // Text embedding does not need the missing model.
        (await api.Client.PostAsync("/api/v1/embed/text", WireValue.Map(("text", WireValue.String("still works"))))).AssertStatus(HttpStatusCode.OK);
    }
}
