using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing;

/// <summary>The argument checks every <see cref="IVectorIndex"/> makes, with the same messages.</summary>
internal static class IndexArguments
{
    /// <summary>The partition of (collection, space), after checking both.</summary>
    public static PartitionKey Key(VectorCollection collection, EmbeddingSpace space)
    {
        RequireDefined(collection);
        ArgumentNullException.ThrowIfNull(space);
        IndexLimits.ValidateSpaceDimensions(space.Dimensions, nameof(space));
        return new PartitionKey(collection, space);
    }

    public static void RequireDefined(VectorCollection collection)
    {
        if (collection is not (VectorCollection.Text or VectorCollection.Audio))
            throw new ArgumentOutOfRangeException(nameof(collection), collection, "Not a vector collection.");
    }

    public static void RequireDimensions(EmbeddingSpace space, int length, string paramName)
    {
        if (length != space.Dimensions)
            throw new ArgumentException($"The vector has {length} dimensions; space '{space.Id}' has {space.Dimensions}.", paramName);
    }

    public static void RequireDestination(EmbeddingSpace space, int length, string paramName)
    {
        if (length < space.Dimensions)
            throw new ArgumentException($"The destination holds {length} floats; space '{space.Id}' needs {space.Dimensions}.", paramName);
    }
}
