using System.Globalization;

namespace AudioFunctions.Embedding;

/// <summary>
/// The space a vector belongs to; vectors of different spaces are never compared. <see cref="Id"/>
/// (<c>{Embedder}-{Version}-{Dimensions}</c>, e.g. <c>dsp-1-512</c>) is also a blob-path segment, so the
/// parts are checked when the space is made: <see cref="Embedder"/> is lowercase letters, digits and '.';
/// <see cref="Version"/> may also hold '-'; <see cref="Dimensions"/> is positive.
/// </summary>
public sealed record EmbeddingSpace(string Embedder, string Version, int Dimensions)
{
    private readonly string _embedder = CheckPart(Embedder, nameof(Embedder), allowHyphen: false);
    private readonly string _version = CheckPart(Version, nameof(Version), allowHyphen: true);
    private readonly int _dimensions = CheckDimensions(Dimensions);

    /// <summary>Who made the vectors, e.g. <c>dsp</c>; never contains '-'.</summary>
    public string Embedder { get => _embedder; init => _embedder = CheckPart(value, nameof(Embedder), allowHyphen: false); }

    /// <summary>The embedder's version; a new version is a new space.</summary>
    public string Version { get => _version; init => _version = CheckPart(value, nameof(Version), allowHyphen: true); }

    /// <summary>Floats per vector.</summary>
    public int Dimensions { get => _dimensions; init => _dimensions = CheckDimensions(value); }

    public string Id => $"{Embedder}-{Version}-{Dimensions.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The <see cref="Id"/>.</summary>
    public override string ToString() => Id;

    /// <summary>The inverse of <see cref="Id"/>: the embedder runs to the first '-', the dimensions follow the last.</summary>
    /// <exception cref="FormatException"><paramref name="id"/> is not an id this type would produce.</exception>
    public static EmbeddingSpace Parse(string id) =>
        TryParse(id, out var space) ? space : throw new FormatException($"'{id}' is not an embedding space id of the form embedder-version-dimensions, e.g. dsp-1-512.");

    public static bool TryParse(string? id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EmbeddingSpace? space)
    {
        space = null;
        if (id is null)
            return false;
        var first = id.IndexOf('-');
        var last = id.LastIndexOf('-');
        if (first <= 0 || last <= first + 1 || last == id.Length - 1)
            return false;
        var embedder = id[..first];
        var version = id[(first + 1)..last];
        var digits = id.AsSpan(last + 1);
        // Canonical decimal only, so that Parse(id).Id == id.
        if (digits[0] == '0' || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var dimensions))
            return false;
        if (!IsValidPart(embedder, allowHyphen: false) || !IsValidPart(version, allowHyphen: true))
            return false;
        space = new EmbeddingSpace(embedder, version, dimensions);
        return true;
    }

    private static bool IsValidPart(string? part, bool allowHyphen)
    {
        if (string.IsNullOrEmpty(part) || part[0] == '-' || part[^1] == '-')
            return false;
        foreach (var c in part)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '.' || (allowHyphen && c == '-')))
                return false;
        return true;
    }

    private static string CheckPart(string part, string name, bool allowHyphen) =>
        IsValidPart(part, allowHyphen)
            ? part
            : throw new ArgumentException($"{name} '{part}' must be non-empty lowercase letters, digits and '.'{(allowHyphen ? " or inner '-'" : "")}.", name);

    private static int CheckDimensions(int dimensions) =>
        dimensions > 0 ? dimensions : throw new ArgumentOutOfRangeException(nameof(Dimensions), dimensions, "Dimensions must be positive.");
}
