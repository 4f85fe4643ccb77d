namespace AudioFunctions.Indexing;

/// <summary>The wire names of <see cref="VectorCollection"/> values.</summary>
public static class VectorCollectionNames
{
    public const string Text = "text";
    public const string Audio = "audio";

    /// <summary>The accepted names, for error messages.</summary>
    public const string All = Text + ", " + Audio;

    public static string ToWireName(this VectorCollection collection) => collection switch
    {
        VectorCollection.Text => Text,
        VectorCollection.Audio => Audio,
        _ => throw new ArgumentOutOfRangeException(nameof(collection), collection, null),
    };

    /// <summary>Parses a wire name exactly (lower case, as the API documents it).</summary>
    public static bool TryParse(string? name, out VectorCollection collection)
    {
        switch (name)
        {
            case Text:
                collection = VectorCollection.Text;
                return true;
            case Audio:
                collection = VectorCollection.Audio;
                return true;
            default:
                collection = default;
                return false;
        }
    }
}
