namespace AudioFunctions.Indexing;

/// <summary>How an <see cref="HnswVectorIndex"/> scores vectors while it walks the graph.</summary>
public enum HnswQuantization
{
    /// <summary>The walk reads the float32 vectors (4 bytes per component).</summary>
    None,

    /// <summary>
    /// The walk reads int8 codes (1 byte per component, one scale per vector) and the final candidates are
    /// re-scored on float32, so returned scores are exact cosines. Adds d + 4 bytes per vector.
    /// </summary>
    Int8,
}
