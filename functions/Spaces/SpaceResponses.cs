using System.Globalization;
using AudioFunctions.Embedding;
using AudioFunctions.Indexing;
using AudioFunctions.Spaces;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Spaces;

/// <summary>The wire shapes of embedding spaces, embedders and space jobs.</summary>
public static class SpaceResponses
{
    public static WireValue Job(SpaceJob job) => WireValue.Map(
        ("job_id", WireValue.String(job.JobId)),
        ("kind", WireValue.String(job.Kind)),
        ("collection", WireValue.String(job.Collection)),
        ("space", WireValue.String(job.Space)),
        ("previous_space", Nullable(job.PreviousSpace)),
        ("status", WireValue.String(job.Status.ToString().ToLowerInvariant())),
        ("tracks_total", WireValue.Integer(job.TracksTotal)),
        ("tracks_done", WireValue.Integer(job.TracksDone)),
        ("errors", WireValue.Integer(job.Errors)),
        ("recent_errors", WireValue.Array([.. job.RecentErrors.Select(e => WireValue.Map(("track_id", WireValue.String(e.TrackId)), ("error", WireValue.String(e.Error))))])),
        ("tracks_per_minute", WireValue.Float(Math.Round(job.TracksPerMinute, 1))),
        ("started_at", Time(job.StartedAt)),
        ("updated_at", Time(job.UpdatedAt)),
        ("completed_at", job.CompletedAt is { } completed ? Time(completed) : WireValue.Nil),
        ("failure", Nullable(job.Failure)));

    public static WireValue Embedder(EmbedderStatus status) => WireValue.Map(
        ("collection", WireValue.String(status.Collection.ToWireName())),
        ("name", WireValue.String(status.Name)),
        ("ready", WireValue.Boolean(status.Ready)),
        ("space", Nullable(status.Space?.Id)),
        ("problem", Nullable(status.Problem)));

    /// <summary>The spaces of each collection that hold vectors here, with their counts and roles.</summary>
    public static WireValue Overview(SpaceSelection selection, EmbedderCatalog catalog,
        IReadOnlyDictionary<EmbeddingSpace, long> audio, IReadOnlyDictionary<EmbeddingSpace, long> text)
    {
        WireValue Collection(VectorCollection collection) => WireValue.Array([.. (collection == VectorCollection.Audio ? audio : text)
            .OrderBy(entry => entry.Key.Id, StringComparer.Ordinal)
            .Select(entry => WireValue.Map(
                ("space", WireValue.String(entry.Key.Id)),
                ("tracks", WireValue.Integer(entry.Value)),
                ("active", WireValue.Boolean(selection.Active(collection) == entry.Key)),
                ("deleting", WireValue.Boolean(selection.IsDeleting(collection, entry.Key)))))]);
        WireValue Builds(IReadOnlyList<SpaceBuild> builds) => WireValue.Array([.. builds.Select(b => WireValue.Map(
            ("collection", WireValue.String(b.Collection)), ("space", WireValue.String(b.Space)), ("job_id", WireValue.String(b.JobId))))]);
        return WireValue.Map(
            ("active", WireValue.Map(("audio", Nullable(selection.Audio)), ("text", Nullable(selection.Text)))),
            ("configured", WireValue.Map(("audio", WireValue.String(catalog.Options.Audio)), ("text", WireValue.String(catalog.Options.Text)))),
            ("building", Builds(selection.Building)),
            ("deleting", Builds(selection.Deleting)),
            ("spaces", WireValue.Map(("audio", Collection(VectorCollection.Audio)), ("text", Collection(VectorCollection.Text)))),
            ("embedders", WireValue.Array([.. catalog.Statuses.Select(Embedder)])));
    }

    private static WireValue Nullable(string? value) => value is null ? WireValue.Nil : WireValue.String(value);

    private static WireValue Time(DateTimeOffset time) => WireValue.String(time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
}
