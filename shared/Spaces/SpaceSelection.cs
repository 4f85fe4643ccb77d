using AudioFunctions.Embedding;
using AudioFunctions.Indexing;

namespace AudioFunctions.Spaces;

/// <summary>
/// The stored choice of spaces every instance follows: the active audio and text space (what new tracks are embedded
/// in and what search uses), the spaces running jobs are filling (new tracks are embedded in those too, so a job's
/// space is complete when it switches) and the spaces being deleted (no longer searchable).
/// </summary>
public sealed record SpaceSelection
{
    public string? Audio { get; init; }

    public string? Text { get; init; }

    public IReadOnlyList<SpaceBuild> Building { get; init; } = [];

    public IReadOnlyList<SpaceBuild> Deleting { get; init; } = [];

    public EmbeddingSpace? Active(VectorCollection collection) =>
        (collection == VectorCollection.Audio ? Audio : Text) is { } id ? EmbeddingSpace.Parse(id) : null;

    /// <summary>The active space of <paramref name="collection"/> and the spaces being built there: where new vectors go.</summary>
    public IReadOnlyList<EmbeddingSpace> Targets(VectorCollection collection)
    {
        var targets = new List<EmbeddingSpace>();
        if (Active(collection) is { } active)
            targets.Add(active);
        foreach (var build in Building)
            if (build.Collection == collection.ToWireName() && EmbeddingSpace.Parse(build.Space) is var space && !targets.Contains(space))
                targets.Add(space);
        return targets;
    }

    public bool IsDeleting(VectorCollection collection, EmbeddingSpace space) =>
        Deleting.Any(d => d.Collection == collection.ToWireName() && d.Space == space.Id);

    public SpaceSelection WithActive(VectorCollection collection, EmbeddingSpace space) =>
        collection == VectorCollection.Audio ? this with { Audio = space.Id } : this with { Text = space.Id };
}
