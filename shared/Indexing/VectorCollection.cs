namespace AudioFunctions.Indexing;

/// <summary>
/// Which kind of vector a track has in an index. A track may have one of each; they are kept apart
/// because text and audio embeddings of the same model are not comparable with each other.
/// </summary>
public enum VectorCollection
{
    /// <summary>Vectors of a track's text (name, artists, tags): wire name <c>text</c>.</summary>
    Text,

    /// <summary>Vectors of a track's audio: wire name <c>audio</c>.</summary>
    Audio,
}
