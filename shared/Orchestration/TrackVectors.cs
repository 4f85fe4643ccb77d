using System.Buffers;
using System.Numerics.Tensors;
using AudioFunctions.Audio;
using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Indexing;
using AudioFunctions.Storage;
using AudioFunctions.Tracks;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Orchestration;

/// <summary>
/// A track's vectors in a given space, made from what storage holds: the audio vector is the mean of the session's
/// window vectors (those not yet stored in that space are embedded from the stored windows, a batch at a time, and
/// kept), the text vector embeds the metadata. This is how a finished session and a re-embedding job reach the same
/// vectors, whichever space was active while the audio streamed.
/// </summary>
public sealed class TrackVectors(WindowStore windows, EmbedderCatalog catalog, IOptions<EmbeddingOptions> options)
{
    /// <summary>
    /// The unit-length mean of the session's <paramref name="windowCount"/> window vectors in <paramref name="space"/>;
    /// null when there are no windows.
    /// </summary>
    /// <exception cref="ServiceException">No embedder here writes <paramref name="space"/> (unavailable).</exception>
    /// <exception cref="InvalidDataException">A window the session cut is no longer stored.</exception>
    public async Task<float[]?> AudioAsync(string sessionId, int windowCount, EmbeddingSpace space, CancellationToken cancellationToken)
    {
        if (windowCount == 0)
            return null;
        var vectors = await WindowVectorsAsync(sessionId, 0, windowCount, space, cancellationToken);
        var mean = new float[space.Dimensions];
        // Summed in window order, so the track vector does not depend on which step finished first.
        foreach (var vector in vectors)
            TensorPrimitives.Add(mean, vector!, mean);
        var norm = TensorPrimitives.Norm(mean);
        if (norm > 0)
            TensorPrimitives.Divide(mean, norm, mean);
        return mean;
    }

    /// <summary>
    /// The vectors of windows <paramref name="firstWindow"/> … +<paramref name="windowCount"/> in <paramref name="space"/>:
    /// the stored ones read, the others embedded from the stored windows (a batch at a time) and stored.
    /// </summary>
    /// <exception cref="ServiceException">No embedder here writes <paramref name="space"/> (unavailable).</exception>
    /// <exception cref="InvalidDataException">A window to embed is not stored.</exception>
    public async Task<float[][]> WindowVectorsAsync(string sessionId, int firstWindow, int windowCount, EmbeddingSpace space, CancellationToken cancellationToken)
    {
        var vectors = await Task.WhenAll(Enumerable.Range(firstWindow, windowCount).Select(window => windows.GetVectorAsync(sessionId, space.Id, window, cancellationToken)));
        var missing = Enumerable.Range(0, windowCount).Where(i => vectors[i] is null).ToList();
        if (missing.Count > 0)
        {
            var embedder = catalog.AudioFor(space)
                ?? throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable, catalog.Missing(VectorCollection.Audio, space));
            foreach (var batch in missing.Chunk(options.Value.BatchSize))
                await EmbedBatchAsync(embedder, sessionId, firstWindow, batch, vectors, cancellationToken);
        }
        return vectors!;
    }

    /// <summary>The metadata's text vector in <paramref name="space"/>; null when the text has no tokens.</summary>
    /// <exception cref="ServiceException">No embedder here writes <paramref name="space"/> (unavailable).</exception>
    public float[]? Text(TrackMetadata metadata, EmbeddingSpace space)
    {
        var embedder = catalog.TextFor(space)
            ?? throw ServiceException.Unavailable(ErrorCodes.EmbedderUnavailable, catalog.Missing(VectorCollection.Text, space));
        var vector = new float[space.Dimensions];
        embedder.Embed(TrackText.Render(metadata), vector);
        return TensorPrimitives.Norm(vector) > 0 ? vector : null;
    }

    /// <summary>Embeds windows firstWindow + <paramref name="batch"/>[i] into <paramref name="vectors"/>[batch[i]] and stores them.</summary>
    private async Task EmbedBatchAsync(IAudioEmbedder embedder, string sessionId, int firstWindow, int[] batch, float[]?[] vectors, CancellationToken cancellationToken)
    {
        var samples = await Task.WhenAll(batch.Select(i => windows.GetWindowAsync(sessionId, firstWindow + i, cancellationToken)));
        var dimensions = embedder.Space.Dimensions;
        var input = ArrayPool<float>.Shared.Rent(batch.Length * AudioWindow.Samples);
        try
        {
            for (var i = 0; i < batch.Length; i++)
            {
                var window = samples[i] ?? throw new InvalidDataException($"Window {firstWindow + batch[i]} of session {sessionId} is not stored.");
                window.CopyTo(input, i * AudioWindow.Samples);
            }
            var output = new float[batch.Length * dimensions];
            embedder.EmbedBatch(input.AsSpan(0, batch.Length * AudioWindow.Samples), output);
            for (var i = 0; i < batch.Length; i++)
            {
                var vector = output.AsSpan(i * dimensions, dimensions).ToArray();
                await windows.PutVectorAsync(sessionId, embedder.Space.Id, firstWindow + batch[i], vector, cancellationToken);
                vectors[batch[i]] = vector;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }
}
