using System.Collections.ObjectModel;
using System.Net;
using System.Numerics.Tensors;
using AudioFunctions.Audio;
using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Indexing;
using AudioFunctions.Spaces;
using AudioFunctions.Storage;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Tracks;
using AudioFunctions.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Spaces;

/// <summary>
/// Re-embedding through the API on the real app and Azurite: a job fills the <c>speech</c> space (openWakeWord's
/// models on ONNX Runtime) from the audio already stored, switches to it in one write, keeps the old space
/// searchable until it is deleted, and picks up where it stopped after a restart.
/// </summary>
public sealed class ReembedTests
{
    private const string Dsp = "dsp-1-512";

    private static readonly IReadOnlyDictionary<string, string?> SmallSlices = new ReadOnlyDictionary<string, string?>(new Dictionary<string, string?>
    {
        ["EMBEDDING__JOB_SLICE_TRACKS"] = "2",
        ["EMBEDDING__SPACES_REFRESH_S"] = "0.5",
    });

    private static float[] Music(int variant, int windows = 1)
    {
        var family = Enum.GetValues<InstrumentFamily>()[variant % Enum.GetValues<InstrumentFamily>().Length];
        var samples = new float[windows * AudioWindow.Samples];
        for (var w = 0; w < windows; w++)
            SyntheticInstruments.Window(family, variant + w).CopyTo(samples, w * AudioWindow.Samples);
        return samples;
    }

    private static async Task<List<string>> StreamLibraryAsync(SpaceApi api, string run, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = $"{run}-{i}";
            await api.StreamTrackAsync(id, Music(i, windows: i == 0 ? 2 : 1));
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>The speech vector a track must get: its stored windows through the embedder, averaged and normalised.</summary>
    private static async Task<float[]> ExpectedSpeechVectorAsync(IServiceProvider services, string trackId)
    {
        var track = (await services.GetRequiredService<TrackStore>().GetAsync(trackId, default))!.Value.Value;
        var embedder = services.GetRequiredService<EmbedderCatalog>().AudioNamed(EmbeddingOptions.Speech)!;
        var mean = new float[embedder.Space.Dimensions];
        var vector = new float[embedder.Space.Dimensions];
        for (var window = 0; window < track.Windows; window++)
        {
            var samples = (await services.GetRequiredService<WindowStore>().GetWindowAsync(track.SessionId, window, default))!;
            embedder.Embed(samples, vector);
            TensorPrimitives.Add(mean, vector, mean);
        }
        TensorPrimitives.Divide(mean, TensorPrimitives.Norm(mean), mean);
        return mean;
    }

    [Fact]
    public async Task Reembed_FillsTheSpeechSpaceFromStoredAudio_SwitchesAtOnce_AndKeepsTheOldSpaceSearchable()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), SmallSlices);
        var api = new SpaceApi(app);
        var ids = await StreamLibraryAsync(api, "re", 5);
        await api.StreamTrackAsync("re-unstored", Music(7), store: false);
        var before = (await api.SpacesAsync()).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(Dsp, SpaceApi.ActiveSpace(before, "audio"));
        Assert.Equal([(Dsp, 5L, true)], SpaceApi.Spaces(before, "audio"));
        var speech = app.Services.GetRequiredService<EmbedderCatalog>().AudioNamed(EmbeddingOptions.Speech)!.Space.Id;

        var started = (await api.StartReembedAsync("audio", "speech")).AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal(speech, started.String("space"));
        Assert.Equal(Dsp, started.String("previous_space"));
        var jobId = started.String("job_id");
        // Extra deliveries of the job's message, as a queue may make: they must neither double count nor corrupt.
        var jobs = app.Services.GetRequiredService<SpaceJobs>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => jobs.RunSliceAsync(jobId, default)));
        var job = await api.WaitForJobAsync(jobId);

        Assert.Equal("completed", job.String("status"));
        Assert.Equal(5, job.Integer("tracks_total"));
        Assert.Equal(5, job.Integer("tracks_done"));
        Assert.Equal(0, job.Integer("errors"));
        Assert.True(job.Number("tracks_per_minute") > 0);
        var after = (await api.SpacesAsync()).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(speech, SpaceApi.ActiveSpace(after, "audio"));
        Assert.Equal([(Dsp, 5L, false), (speech, 5L, true)], SpaceApi.Spaces(after, "audio").OrderBy(s => s.Space, StringComparer.Ordinal));

        foreach (var id in ids)
        {
            var track = (await api.TrackAsync(id)).AssertStatus(HttpStatusCode.OK);
            Assert.Equal([Dsp, speech], SpaceApi.Strings(track, "audio_spaces"));
            Assert.Equal(speech, track.String("audio_space"));
            var stored = track.Field("audio_embedding").AsArray().Select(v => v.TryGetDouble(out var d) ? (float)d : float.NaN).ToArray();
            var expected = await ExpectedSpeechVectorAsync(app.Services, id);
            Assert.Equal(expected.Length, stored.Length);
            for (var i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], stored[i], 1e-5f);

            // The active space answers without naming it; the old one when named.
            Assert.Equal(id, SpaceApi.ResultIds((await api.SearchAsync("audio", track.Field("audio_embedding"))).AssertStatus(HttpStatusCode.OK))[0]);
            var dspVector = await app.Services.GetRequiredService<TrackStore>().GetVectorAsync(id, VectorCollection.Audio, Dsp, default);
            var inDsp = (await api.SearchAsync("audio", WireValue.FloatArray(dspVector!), Dsp)).AssertStatus(HttpStatusCode.OK);
            Assert.Equal(id, SpaceApi.ResultIds(inDsp)[0]);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await api.TrackAsync("re-unstored")).Status);

        // A track streamed after the switch is embedded in the new space only.
        await api.StreamTrackAsync("re-late", Music(9));
        Assert.Equal([speech], SpaceApi.Strings((await api.TrackAsync("re-late")).AssertStatus(HttpStatusCode.OK), "audio_spaces"));
    }

    [Fact]
    public async Task DeleteSpace_MakesItUnsearchable_AndRemovesItsVectors()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), SmallSlices);
        var api = new SpaceApi(app);
        var ids = await StreamLibraryAsync(api, "del", 3);
        var reembed = (await api.StartReembedAsync("audio", "speech")).AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal("completed", (await api.WaitForJobAsync(reembed.String("job_id"))).String("status"));
        var dspVector = await app.Services.GetRequiredService<TrackStore>().GetVectorAsync(ids[0], VectorCollection.Audio, Dsp, default);

        var deleting = (await api.DeleteSpaceAsync("audio", Dsp)).AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal("delete", deleting.String("kind"));
        var job = await api.WaitForJobAsync(deleting.String("job_id"));

        Assert.Equal("completed", job.String("status"));
        Assert.Equal(3, job.Integer("tracks_done"));
        (await api.SearchAsync("audio", WireValue.FloatArray(dspVector!), Dsp)).AssertError(HttpStatusCode.NotFound, ErrorCodes.UnknownSpace, Dsp);
        var speech = SpaceApi.ActiveSpace((await api.SpacesAsync()).AssertStatus(HttpStatusCode.OK), "audio");
        Assert.Equal([(speech, 3L, true)], SpaceApi.Spaces((await api.SpacesAsync()).AssertStatus(HttpStatusCode.OK), "audio"));
        var tracks = app.Services.GetRequiredService<TrackStore>();
        var windows = app.Services.GetRequiredService<WindowStore>();
        foreach (var id in ids)
        {
            Assert.Equal([speech], SpaceApi.Strings((await api.TrackAsync(id)).AssertStatus(HttpStatusCode.OK), "audio_spaces"));
            Assert.Null(await tracks.GetVectorAsync(id, VectorCollection.Audio, Dsp, default));
            var track = (await tracks.GetAsync(id, default))!.Value.Value;
            Assert.Null(await windows.GetVectorAsync(track.SessionId, Dsp, 0, default));
            Assert.NotNull(await windows.GetVectorAsync(track.SessionId, speech, 0, default));
        }
    }

    [Fact]
    public async Task Reembed_CarriesOn_InAnAppStartedAfterTheFirstStopped()
    {
        var prefix = AppInstance.NewPrefix();
        var settings = new Dictionary<string, string?>(SmallSlices)
        {
            ["EMBEDDING__JOB_SLICE_TRACKS"] = "1",
            ["PIPELINE__VISIBILITY_TIMEOUT_S"] = "5",
        };
        string jobId;
        List<string> ids;
        await using (var first = await AppInstance.StartAsync(await AzuriteServer.Shared, prefix, settings))
        {
            var api = new SpaceApi(first);
            ids = await StreamLibraryAsync(api, "resume", 6);
            jobId = (await api.StartReembedAsync("audio", "speech")).AssertStatus(HttpStatusCode.Accepted).String("job_id");
            while ((await api.JobAsync(jobId)).AssertStatus(HttpStatusCode.OK).Integer("tracks_done") < 1)
                await Task.Delay(20);
        }

        await using var second = await AppInstance.StartAsync(await AzuriteServer.Shared, prefix, settings);
        var resumed = new SpaceApi(second);
        var job = await resumed.WaitForJobAsync(jobId);

        Assert.True(job.String("status") == "completed", $"{job.Body}");
        Assert.Equal(6, job.Integer("tracks_done"));
        var speech = job.String("space");
        Assert.Equal(speech, SpaceApi.ActiveSpace((await resumed.SpacesAsync()).AssertStatus(HttpStatusCode.OK), "audio"));
        foreach (var id in ids)
            Assert.Equal([Dsp, speech], SpaceApi.Strings((await resumed.TrackAsync(id)).AssertStatus(HttpStatusCode.OK), "audio_spaces"));
    }

    [Fact]
    public async Task TrackStoredWhileASpaceIsBuilt_IsEmbeddedInItToo()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), SmallSlices);
        var api = new SpaceApi(app);
        var speech = app.Services.GetRequiredService<EmbedderCatalog>().AudioNamed(EmbeddingOptions.Speech)!.Space.Id;
        // A job that has begun (its space is marked as being built) and not reached this track yet.
        await app.Services.GetRequiredService<ActiveSpaces>().UpdateAsync(s => s with { Building = [new SpaceBuild("audio", speech, "0123456789abcdef0123456789abcdef")] }, default);

        await api.StreamTrackAsync("building-1", Music(3));

        var track = (await api.TrackAsync("building-1")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal([Dsp, speech], SpaceApi.Strings(track, "audio_spaces"));
        Assert.Equal(Dsp, track.String("audio_space"));   // the active space is still the old one
        var stored = await app.Services.GetRequiredService<TrackStore>().GetVectorAsync("building-1", VectorCollection.Audio, speech, default);
        Assert.Equal(await ExpectedSpeechVectorAsync(app.Services, "building-1"), stored);
        // Meanwhile a second job on the same collection is refused.
        (await api.StartReembedAsync("audio", "speech")).AssertError(HttpStatusCode.Conflict, ErrorCodes.JobRunning, "0123456789abcdef0123456789abcdef");
    }

    [Fact]
    public async Task Requests_ThatCannotStartAJob_AreRefusedWithAReason()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), SmallSlices);
        var api = new SpaceApi(app);
        await api.StreamTrackAsync("refuse-1", Music(1));

        (await api.StartReembedAsync("audio", "dsp")).AssertError(HttpStatusCode.Conflict, ErrorCodes.SpaceActive, Dsp);
        (await api.StartReembedAsync("audio", null)).AssertError(HttpStatusCode.Conflict, ErrorCodes.SpaceActive, Dsp);
        (await api.StartReembedAsync("audio", "lexical")).AssertError(HttpStatusCode.BadRequest, ErrorCodes.UnknownEmbedder, "dsp, speech, clap");
        (await api.StartReembedAsync("text", "clap")).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.EmbedderUnavailable, "EMBEDDING__CLAP_MODEL_DIR");
        (await api.StartReembedAsync("video", "dsp")).AssertError(HttpStatusCode.BadRequest, ErrorCodes.UnknownCollection, "video");
        (await api.JobAsync("0123456789abcdef0123456789abcdef")).AssertError(HttpStatusCode.NotFound, ErrorCodes.JobNotFound);
        (await api.JobAsync("../../x")).AssertStatus(HttpStatusCode.NotFound);
        (await api.DeleteSpaceAsync("audio", Dsp)).AssertError(HttpStatusCode.Conflict, ErrorCodes.SpaceActive, "re-embedding");
        (await api.DeleteSpaceAsync("audio", "speech-1-512")).AssertError(HttpStatusCode.NotFound, ErrorCodes.UnknownSpace);
        (await api.DeleteSpaceAsync("audio", "not a space")).AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidSpace);
        var dspVector = await app.Services.GetRequiredService<TrackStore>().GetVectorAsync("refuse-1", VectorCollection.Audio, Dsp, default);
        (await api.SearchAsync("audio", WireValue.FloatArray(dspVector!), "speech-1-512")).AssertError(HttpStatusCode.NotFound, ErrorCodes.UnknownSpace);
        (await api.SearchAsync("audio", WireValue.FloatArray(dspVector!), "Speech")).AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidSpace);

        // Nothing of the refused requests changed the spaces.
        var overview = (await api.SpacesAsync()).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(Dsp, SpaceApi.ActiveSpace(overview, "audio"));
        Assert.Empty(overview.Field("building").AsArray());
        Assert.Empty(overview.Field("deleting").AsArray());
    }
}
