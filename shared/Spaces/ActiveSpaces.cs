using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Indexing;
using AudioFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Spaces;

/// <summary>
/// The <see cref="SpaceSelection"/> of the deployment, stored as one JSON blob (<c>spaces/selection.json</c> in the
/// sessions container) and changed only by compare-and-swap, so a switch is one atomic write that every instance
/// sees whole. The first read of a new deployment stores the configured embedders' spaces. Each instance keeps the
/// last read in memory (<see cref="Current"/>) and brings its index up to date with storage before it follows a
/// switch, so a search in the new space finds every track that was in the old one.
/// </summary>
public sealed partial class ActiveSpaces(
    StorageContainers containers,
    EmbedderCatalog catalog,
    TrackIndex index,
    IOptions<EmbeddingOptions> options,
    TimeProvider clock,
    ILogger<ActiveSpaces> logger)
{
    public const string BlobName = "spaces/selection.json";

    private readonly JsonBlobStore store = new(containers.Sessions, containers);
    private volatile Loaded? loaded;
    private bool warnedOfSetting;

    private sealed record Loaded(Versioned<SpaceSelection> Selection, long ReadAt);

    /// <summary>The selection as last read; before the first read, the configured embedders' spaces.</summary>
    public SpaceSelection Current => loaded?.Selection.Value ?? Configured();

    /// <summary>The selection at most <see cref="EmbeddingOptions.SpacesRefreshSeconds"/> old.</summary>
    public async Task<SpaceSelection> GetAsync(CancellationToken cancellationToken)
    {
        var last = loaded;
        if (last is not null && clock.GetElapsedTime(last.ReadAt).TotalSeconds < options.Value.SpacesRefreshSeconds)
            return last.Selection.Value;
        return (await RefreshAsync(cancellationToken)).Value;
    }

    /// <summary>
    /// Reads the stored selection (storing the configured one when there is none yet, and filling an active space
    /// that no embedder could name before) and makes it <see cref="Current"/>.
    /// </summary>
    public async Task<Versioned<SpaceSelection>> RefreshAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var stored = await store.GetAsync(BlobName, SpacesJsonContext.Default.SpaceSelection, cancellationToken);
            if (stored is null)
            {
                var created = await store.TryCreateAsync(BlobName, Configured(), SpacesJsonContext.Default.SpaceSelection, cancellationToken);
                if (created is { } etag)
                    return await AdoptAsync(new Versioned<SpaceSelection>(Configured(), etag), cancellationToken);
                continue;   // another instance stored one first
            }
            var selection = stored.Value.Value;
            var configured = Configured();
            if ((selection.Audio is null && configured.Audio is not null) || (selection.Text is null && configured.Text is not null))
            {
                var filled = selection with { Audio = selection.Audio ?? configured.Audio, Text = selection.Text ?? configured.Text };
                if (await store.TryReplaceAsync(BlobName, filled, stored.Value.ETag, SpacesJsonContext.Default.SpaceSelection, cancellationToken) is { } etag)
                    return await AdoptAsync(new Versioned<SpaceSelection>(filled, etag), cancellationToken);
                continue;
            }
            WarnIfSettingDiffers(selection, configured);
            return await AdoptAsync(stored.Value, cancellationToken);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored selection by compare-and-swap, retrying on a concurrent write.
    /// <paramref name="change"/> may throw a <see cref="ServiceException"/> to refuse; it may run more than once.
    /// </summary>
    public async Task<SpaceSelection> UpdateAsync(Func<SpaceSelection, SpaceSelection> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await RefreshAsync(cancellationToken);
            var changed = change(current.Value);
            if (changed == current.Value)
                return changed;
            if (await store.TryReplaceAsync(BlobName, changed, current.ETag, SpacesJsonContext.Default.SpaceSelection, cancellationToken) is { } etag)
            {
                await AdoptAsync(new Versioned<SpaceSelection>(changed, etag), cancellationToken);
                return changed;
            }
        }
    }

    /// <summary>The active space of <paramref name="collection"/>, or 503 when no embedder here can write one.</summary>
    public async Task<EmbeddingSpace> RequireActiveAsync(VectorCollection collection, CancellationToken cancellationToken) =>
        (await GetAsync(cancellationToken)).Active(collection)
            ?? throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable,
                $"No {collection.ToWireName()} embedder is ready: {catalog.Status(collection, collection == VectorCollection.Audio ? options.Value.Audio : options.Value.Text)?.Problem}");

    /// <summary>The active audio space and the embedder that writes it, or 503 when this instance cannot run it.</summary>
    public async Task<(EmbeddingSpace Space, IAudioEmbedder Embedder)> RequireAudioEmbedderAsync(CancellationToken cancellationToken)
    {
        var space = await RequireActiveAsync(VectorCollection.Audio, cancellationToken);
        return (space, catalog.AudioFor(space) ?? throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable, catalog.Missing(VectorCollection.Audio, space)));
    }

    /// <summary>The text embedder that writes <paramref name="space"/> (the active text space when null), or 503 when this instance cannot run it.</summary>
    public async Task<ITextEmbedder> RequireTextEmbedderAsync(EmbeddingSpace? space, CancellationToken cancellationToken)
    {
        space ??= await RequireActiveAsync(VectorCollection.Text, cancellationToken);
        return catalog.TextFor(space) ?? throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable, catalog.Missing(VectorCollection.Text, space));
    }

    private SpaceSelection Configured() => new()
    {
        Audio = catalog.ConfiguredSpace(VectorCollection.Audio)?.Id,
        Text = catalog.ConfiguredSpace(VectorCollection.Text)?.Id,
    };

    private async Task<Versioned<SpaceSelection>> AdoptAsync(Versioned<SpaceSelection> selection, CancellationToken cancellationToken)
    {
        var previous = loaded?.Selection.Value;
        if (previous is not null && (previous.Audio != selection.Value.Audio || previous.Text != selection.Value.Text))
        {
            // Another instance switched: take in the vectors it stored before searching in the new space.
            await index.ReconcileAsync(cancellationToken);
            Switched(logger, selection.Value.Audio ?? "none", selection.Value.Text ?? "none");
        }
        loaded = new Loaded(selection, clock.GetTimestamp());
        return selection;
    }

    private void WarnIfSettingDiffers(SpaceSelection stored, SpaceSelection configured)
    {
        if (warnedOfSetting)
            return;
        warnedOfSetting = true;
        if (configured.Audio is not null && configured.Audio != stored.Audio)
            SettingDiffers(logger, "audio", configured.Audio, stored.Audio ?? "none");
        if (configured.Text is not null && configured.Text != stored.Text)
            SettingDiffers(logger, "text", configured.Text, stored.Text ?? "none");
    }

    [LoggerMessage(7101, LogLevel.Warning,
        "The configured {Collection} embedder writes {Configured}, but the stored tracks are searched in {Active}; start a re-embedding job (POST /api/v1/spaces/reembed) to switch")]
    private static partial void SettingDiffers(ILogger logger, string collection, string configured, string active);

    [LoggerMessage(7102, LogLevel.Information, "Active spaces are now audio {Audio}, text {Text}")]
    private static partial void Switched(ILogger logger, string audio, string text);
}
