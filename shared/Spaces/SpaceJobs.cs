using Azure;
using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Indexing;
using AudioFunctions.Orchestration;
using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Spaces;

/// <summary>
/// Starts and runs <see cref="SpaceJob"/>s. A re-embedding job marks its space as being built in the
/// <see cref="SpaceSelection"/> (from then on new tracks are embedded in it too), goes through every stored track in
/// slices of <see cref="EmbeddingOptions.JobSliceTracks"/> (queue <c>space-jobs</c>), catches up with the tracks stored
/// meanwhile, and switches the active space in one write. A delete job makes its space unsearchable at once and then
/// removes its vectors. One job per collection runs at a time.
/// </summary>
public sealed partial class SpaceJobs(
    StorageContainers containers,
    ActiveSpaces spaces,
    EmbedderCatalog catalog,
    TrackStore tracks,
    TrackVectors vectors,
    WindowStore windows,
    ITrackSearchBackend search,
    TrackSearchUpdates searchUpdates,
    WorkQueues queues,
    IOptions<EmbeddingOptions> options,
    IOptions<PipelineOptions> pipelineOptions,
    TimeProvider clock,
    ILogger<SpaceJobs> logger)
{
    /// <summary>Failures a job keeps to show; the count goes on.</summary>
    public const int RecentErrorLimit = 20;

    // Documents written this long before a job began may have been read with the old selection by a finalize
    // step still running: the catch-up pass looks at them again.
    private static readonly TimeSpan CatchUpMargin = TimeSpan.FromMinutes(5);

    private readonly JsonBlobStore store = new(containers.Sessions, containers);

    public static string BlobName(string jobId) => $"jobs/{jobId}.json";

    public async Task<SpaceJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        Guid.TryParseExact(jobId, "N", out _) || Guid.TryParse(jobId, out _)
            ? (await store.GetAsync(BlobName(jobId), SpacesJsonContext.Default.SpaceJob, cancellationToken))?.Value
            : null;

    /// <summary>
    /// Starts filling the space of the <paramref name="embedderName"/> embedder of <paramref name="collection"/>, to
    /// switch to it when every track has it. A job of that collection that stopped moving (its message lost in a
    /// crash) is resumed and returned instead of refusing.
    /// </summary>
    public async Task<SpaceJob> StartReembedAsync(VectorCollection collection, string embedderName, CancellationToken cancellationToken)
    {
        var names = collection == VectorCollection.Audio ? EmbeddingOptions.AudioEmbedders : EmbeddingOptions.TextEmbedders;
        if (!names.Contains(embedderName))
            throw ServiceException.BadRequest(ErrorCodes.UnknownEmbedder,
                $"There is no {collection.ToWireName()} embedder '{embedderName}'; use one of {string.Join(", ", names)}.");
        var status = catalog.Status(collection, embedderName)!;
        if (status.Space is not { } target)
            throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable, $"The {collection.ToWireName()} embedder '{embedderName}' is not ready: {status.Problem}");

        var selection = await spaces.RefreshAsync(cancellationToken);
        if (await ResumeStalledAsync(selection.Value, collection, cancellationToken) is { } resumed)
            return resumed;
        var job = NewJob(SpaceJob.Reembed, collection, target) with { PreviousSpace = selection.Value.Active(collection)?.Id };
        return await BeginAsync(job, current =>
        {
            if (current.Active(collection) == target)
                throw ServiceException.Conflict(ErrorCodes.SpaceActive, $"{target} is already the active {collection.ToWireName()} space.");
            return current with { Building = [.. current.Building, new SpaceBuild(job.Collection, job.Space, job.JobId)] };
        }, cancellationToken);
    }

    /// <summary>Makes <paramref name="space"/> unsearchable and starts removing its vectors from every track.</summary>
    public async Task<SpaceJob> StartDeleteAsync(VectorCollection collection, EmbeddingSpace space, CancellationToken cancellationToken)
    {
        var selection = await spaces.RefreshAsync(cancellationToken);
        if (await ResumeStalledAsync(selection.Value, collection, cancellationToken) is { } resumed)
            return resumed;
        if (!(await search.SpacesAsync(collection, cancellationToken)).ContainsKey(space))
            throw ServiceException.NotFound(ErrorCodes.UnknownSpace, $"The {collection.ToWireName()} collection has no space {space}.");
        var job = NewJob(SpaceJob.Delete, collection, space);
        return await BeginAsync(job, current =>
        {
            if (current.Active(collection) == space)
                throw ServiceException.Conflict(ErrorCodes.SpaceActive,
                    $"{space} is the active {collection.ToWireName()} space; switch to another with a re-embedding job before deleting it.");
            return current with { Deleting = [.. current.Deleting, new SpaceBuild(job.Collection, job.Space, job.JobId)] };
        }, cancellationToken);
    }

    /// <summary>
    /// Runs one slice of the job: counting, a page of tracks, or the catch-up and switch. Queues the next slice
    /// unless the job finished. A slice that loses the race to record its progress stops: another delivery did it.
    /// </summary>
    public async Task RunSliceAsync(string jobId, CancellationToken cancellationToken)
    {
        if ((await store.GetAsync(BlobName(jobId), SpacesJsonContext.Default.SpaceJob, cancellationToken)) is not { } stored || stored.Value.IsFinished)
            return;
        var job = stored.Value;
        var collection = VectorCollectionNames.TryParse(job.Collection, out var c) ? c : throw new InvalidDataException($"Job {jobId} names collection '{job.Collection}'.");
        var space = EmbeddingSpace.Parse(job.Space);

        SpaceJob next;
        switch (job.Status)
        {
            case SpaceJobStatus.Counting:
                next = job with { Status = SpaceJobStatus.Running, TracksTotal = await CountTracksAsync(cancellationToken) };
                break;
            case SpaceJobStatus.Running:
                next = await RunPageAsync(job, collection, space, cancellationToken);
                break;
            default:
                next = await CatchUpAndSwitchAsync(job, collection, space, cancellationToken);
                break;
        }
        next = next with { UpdatedAt = clock.GetUtcNow() };
        if (await store.TryReplaceAsync(BlobName(jobId), next, stored.ETag, SpacesJsonContext.Default.SpaceJob, cancellationToken) is null)
            return;
        if (next.IsFinished)
            JobFinished(logger, next.Kind, next.JobId, next.Status.ToString(), next.TracksDone, next.Errors);
        else
            await queues.EnqueueAsync(StepMessage.ForJob(jobId), cancellationToken);
    }

    private SpaceJob NewJob(string kind, VectorCollection collection, EmbeddingSpace space)
    {
        var now = clock.GetUtcNow();
        return new SpaceJob
        {
            JobId = Guid.NewGuid().ToString("N"),
            Kind = kind,
            Collection = collection.ToWireName(),
            Space = space.Id,
            StartedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Records the job, then marks its space in the selection with <paramref name="mark"/> (refused while another job
    /// works on the collection), then queues its first slice. A refusal leaves the job recorded as failed.
    /// </summary>
    private async Task<SpaceJob> BeginAsync(SpaceJob job, Func<SpaceSelection, SpaceSelection> mark, CancellationToken cancellationToken)
    {
        await store.TryCreateAsync(BlobName(job.JobId), job, SpacesJsonContext.Default.SpaceJob, cancellationToken);
        try
        {
            await spaces.UpdateAsync(current =>
            {
                RefuseIfBusy(current, job.Collection);
                return mark(current);
            }, cancellationToken);
        }
        catch (ServiceException e)
        {
            await SaveAsync(job with { Status = SpaceJobStatus.Failed, Failure = e.Message, CompletedAt = job.StartedAt }, cancellationToken);
            throw;
        }
        await queues.EnqueueAsync(StepMessage.ForJob(job.JobId), cancellationToken);
        JobStarted(logger, job.Kind, job.JobId, job.Collection, job.Space);
        return job;
    }

    /// <summary>Ends a job whose slice failed on its last delivery: the selection lets go of its space.</summary>
    public async Task FailAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        if ((await store.GetAsync(BlobName(jobId), SpacesJsonContext.Default.SpaceJob, cancellationToken)) is not { } stored || stored.Value.IsFinished)
            return;
        await spaces.UpdateAsync(current => current with
        {
            Building = [.. current.Building.Where(b => b.JobId != jobId)],
            // A delete that failed half-way stays unsearchable; a new delete job finishes it.
        }, cancellationToken);
        var now = clock.GetUtcNow();
        await store.TryReplaceAsync(BlobName(jobId), stored.Value with { Status = SpaceJobStatus.Failed, Failure = reason, UpdatedAt = now, CompletedAt = now },
            stored.ETag, SpacesJsonContext.Default.SpaceJob, cancellationToken);
    }

    private async Task<SpaceJob> RunPageAsync(SpaceJob job, VectorCollection collection, EmbeddingSpace space, CancellationToken cancellationToken)
    {
        var pages = containers.Tracks.GetBlobsByHierarchyAsync(delimiter: "/", cancellationToken: cancellationToken)
            .AsPages(job.Cursor, options.Value.JobSliceTracks);
        await foreach (var page in pages)
        {
            job = await HandleTracksAsync(job, collection, space, [.. page.Values.Where(i => i.IsPrefix).Select(i => TrackStore.TrackIdOf(i.Prefix))], cancellationToken);
            var cursor = page.ContinuationToken;
            return string.IsNullOrEmpty(cursor)
                ? job with { Status = SpaceJobStatus.Switching, Cursor = null }
                : job with { Cursor = cursor };
        }
        return job with { Status = SpaceJobStatus.Switching, Cursor = null };
    }

    private async Task<SpaceJob> CatchUpAndSwitchAsync(SpaceJob job, VectorCollection collection, EmbeddingSpace space, CancellationToken cancellationToken)
    {
        // Only documents the pipeline wrote since shortly before the start: this job's own writes say so in their metadata.
        var since = job.StartedAt - CatchUpMargin;
        var late = new List<string>();
        await foreach (var listing in tracks.ListDocumentsAsync(cancellationToken))
            if (listing.LastModified >= since && listing.WrittenByJob != job.JobId)
                late.Add(TrackStore.TrackIdOf(listing.BlobName));
        var done = job.TracksDone;
        job = await HandleTracksAsync(job, collection, space, late, cancellationToken);
        job = job with { TracksDone = done, TracksTotal = Math.Max(job.TracksTotal, done) };   // tracks seen again are not counted twice

        if (job.Kind == SpaceJob.Delete)
        {
            await spaces.UpdateAsync(current => current with { Deleting = [.. current.Deleting.Where(d => d.JobId != job.JobId)] }, cancellationToken);
            return job with { Status = SpaceJobStatus.Completed, CompletedAt = clock.GetUtcNow() };
        }
        if (job.Errors > 0)
        {
            await spaces.UpdateAsync(current => current with { Building = [.. current.Building.Where(b => b.JobId != job.JobId)] }, cancellationToken);
            return job with
            {
                Status = SpaceJobStatus.Failed,
                CompletedAt = clock.GetUtcNow(),
                Failure = $"{job.Errors} tracks could not be re-embedded, so {job.PreviousSpace ?? "the old space"} stays active. "
                    + "Run the job again once they are fixed: tracks that already have the space are skipped.",
            };
        }
        await spaces.UpdateAsync(current => current.WithActive(collection, space) with
        {
            Building = [.. current.Building.Where(b => b.JobId != job.JobId)],
        }, cancellationToken);
        return job with { Status = SpaceJobStatus.Completed, CompletedAt = clock.GetUtcNow() };
    }

    /// <summary>
    /// Handles <paramref name="trackIds"/>, one per core at a time (each track's embedding runs on one core), and
    /// counts them on the job: done, or failed with the reason.
    /// </summary>
    private async Task<SpaceJob> HandleTracksAsync(SpaceJob job, VectorCollection collection, EmbeddingSpace space, IReadOnlyList<string> trackIds, CancellationToken cancellationToken)
    {
        var failures = new SpaceJobError?[trackIds.Count];
        await Parallel.ForAsync(0, trackIds.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, token) => failures[i] = await HandleTrackAsync(job, collection, space, trackIds[i], token));
        var errors = failures.OfType<SpaceJobError>().ToList();
        return job with
        {
            TracksDone = job.TracksDone + trackIds.Count,
            Errors = job.Errors + errors.Count,
            RecentErrors = errors.Count == 0 ? job.RecentErrors : [.. job.RecentErrors.Concat(errors).TakeLast(RecentErrorLimit)],
        };
    }

    /// <summary>Adds the space to the track, or takes it out: null when done, the failure when the track cannot be handled.</summary>
    private async Task<SpaceJobError?> HandleTrackAsync(SpaceJob job, VectorCollection collection, EmbeddingSpace space, string trackId, CancellationToken cancellationToken)
    {
        try
        {
            if (job.Kind == SpaceJob.Delete)
                await RemoveSpaceAsync(job.JobId, collection, space, trackId, cancellationToken);
            else
                await AddSpaceAsync(job.JobId, collection, space, trackId, cancellationToken);
            return null;
        }
        // What fails the slice rather than the track: a stopping instance (its embedders may be disposed already)
        // and storage outages; the slice's message is delivered again.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && e is not (OperationCanceledException or ObjectDisposedException) && !StorageFailures.IsUnavailable(e))
        {
            TrackFailed(logger, job.JobId, trackId, e);
            return new SpaceJobError(trackId, e.Message);
        }
    }

    private async Task AddSpaceAsync(string jobId, VectorCollection collection, EmbeddingSpace space, string trackId, CancellationToken cancellationToken)
    {
        while (await tracks.GetAsync(trackId, cancellationToken) is { } document)
        {
            var track = document.Value;
            if (track.Spaces(collection).Contains(space.Id))
                return;
            var vector = collection == VectorCollection.Audio
                ? await vectors.AudioAsync(track.SessionId, track.Windows, space, cancellationToken)
                : vectors.Text(track.Metadata, space);
            if (vector is null)
                return;   // no audio windows, or no text: the track has no vector of this kind in any space
            await tracks.PutVectorAsync(trackId, new TrackVector(collection, space, vector), cancellationToken);
            if (await tracks.TryReplaceAsync(track.WithSpaces(collection, [.. track.Spaces(collection), space.Id]), document.ETag, jobId, cancellationToken) is not null)
            {
                await searchUpdates.RefreshAsync(trackId, cancellationToken);
                return;
            }
            // The document changed meanwhile (stored again, or another job): read it again.
        }
    }

    private async Task RemoveSpaceAsync(string jobId, VectorCollection collection, EmbeddingSpace space, string trackId, CancellationToken cancellationToken)
    {
        while (await tracks.GetAsync(trackId, cancellationToken) is { } document)
        {
            var track = document.Value;
            if (track.Spaces(collection).Contains(space.Id)
                && await tracks.TryReplaceAsync(track.WithSpaces(collection, [.. track.Spaces(collection).Where(s => s != space.Id)]), document.ETag, jobId, cancellationToken) is null)
                continue;
            await searchUpdates.RefreshAsync(trackId, cancellationToken);
            // The document no longer names the space, so its vectors can go (again, after a crash).
            await tracks.DeleteVectorAsync(trackId, collection, space.Id, cancellationToken);
            if (collection == VectorCollection.Audio)
                await windows.DeleteVectorsAsync(track.SessionId, space.Id, cancellationToken);
            return;
        }
    }

    private async Task<int> CountTracksAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var item in containers.Tracks.GetBlobsByHierarchyAsync(delimiter: "/", cancellationToken: cancellationToken))
            if (item.IsPrefix)
                count++;
        return count;
    }

    private static void RefuseIfBusy(SpaceSelection selection, string wire)
    {
        if (selection.Building.Concat(selection.Deleting).FirstOrDefault(b => b.Collection == wire) is { } running)
            throw ServiceException.Conflict(ErrorCodes.JobRunning, $"Job {running.JobId} is still working on the {wire} space {running.Space}; see /api/v1/spaces/jobs/{running.JobId}.");
    }

    /// <summary>The running job of <paramref name="collection"/>, queued again, if it has not moved for longer than a message stays hidden.</summary>
    private async Task<SpaceJob?> ResumeStalledAsync(SpaceSelection selection, VectorCollection collection, CancellationToken cancellationToken)
    {
        var wire = collection.ToWireName();
        if (selection.Building.Concat(selection.Deleting).FirstOrDefault(b => b.Collection == wire) is not { } running
            || await GetAsync(running.JobId, cancellationToken) is not { IsFinished: false } job)
            return null;
        var stalledAfter = TimeSpan.FromSeconds(2 * pipelineOptions.Value.VisibilityTimeoutSeconds);
        if (clock.GetUtcNow() - job.UpdatedAt < stalledAfter)
            return null;
        await queues.EnqueueAsync(StepMessage.ForJob(job.JobId), cancellationToken);
        JobResumed(logger, job.JobId);
        return job;
    }

    private Task SaveAsync(SpaceJob job, CancellationToken cancellationToken) =>
        containers.Sessions.GetBlobClient(BlobName(job.JobId)).UploadAsync(
            BinaryData.FromObjectAsJson(job, SpacesJsonContext.Default.SpaceJob), overwrite: true, cancellationToken);

    [LoggerMessage(7201, LogLevel.Information, "Space job {Kind} {JobId} started on the {Collection} space {Space}")]
    private static partial void JobStarted(ILogger logger, string kind, string jobId, string collection, string space);

    [LoggerMessage(7202, LogLevel.Information, "Space job {Kind} {JobId} {Status}: {Tracks} tracks, {Errors} errors")]
    private static partial void JobFinished(ILogger logger, string kind, string jobId, string status, int tracks, int errors);

    [LoggerMessage(7203, LogLevel.Warning, "Space job {JobId} could not handle track {TrackId}")]
    private static partial void TrackFailed(ILogger logger, string jobId, string trackId, Exception exception);

    [LoggerMessage(7204, LogLevel.Warning, "Space job {JobId} had stopped moving; queued again")]
    private static partial void JobResumed(ILogger logger, string jobId);
}
