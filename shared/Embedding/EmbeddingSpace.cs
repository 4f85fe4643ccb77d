using System.Globalization;

namespace AudioFunctions.Embedding;

/// <summary>
/// The space a vector belongs to; vectors of different spaces are never compared. <see cref="Id"/>
/// (<c>{Embedder}-{Version}-{Dimensions}</c>, e.g. <c>dsp-1-512</c>, or <c>{Embedder}-{Version}-m{Model}-{Dimensions}</c>
/// for an embedder that runs a model file, e.g. <c>speech-1-m3f9a2c1d0e4b-192</c>) is also a blob-path segment, so the
/// parts are checked when the space is made: <see cref="Embedder"/> is lowercase letters, digits and '.';
/// <see cref="Version"/> may also hold '-' (but may not end in a segment that reads as a model); <see cref="Model"/>
/// is <see cref="ModelLength"/> lowercase hex digits; <see cref="Dimensions"/> is positive.
/// </summary>
public sealed record EmbeddingSpace(string Embedder, string Version, int Dimensions, string? Model = null)
{
    /// <summary>Hex digits of <see cref="Model"/>: 48 bits of the model files' SHA-256, enough to tell model files apart.</summary>
    public const int ModelLength = 12;

    private readonly string _embedder = CheckPart(Embedder, nameof(Embedder), allowHyphen: false);
    private readonly string _version = CheckVersion(Version);
    private readonly int _dimensions = CheckDimensions(Dimensions);
    private readonly string? _model = CheckModel(Model);

    /// <summary>Who made the vectors, e.g. <c>dsp</c>; never contains '-'.</summary>
    public string Embedder { get => _embedder; init => _embedder = CheckPart(value, nameof(Embedder), allowHyphen: false); }

    /// <summary>The embedder's version; a new version is a new space.</summary>
    public string Version { get => _version; init => _version = CheckVersion(value); }

    /// <summary>
    /// The model files' fingerprint (<see cref="ModelFingerprint"/>) for an embedder that runs a model, null for one
    /// that is all code. Other weights under the same embedder and version are another space.
    /// </summary>
    public string? Model { get => _model; init => _model = CheckModel(value); }

    /// <summary>Floats per vector.</summary>
    public int Dimensions { get => _dimensions; init => _dimensions = CheckDimensions(value); }

    public string Id => Model is null
        ? $"{Embedder}-{Version}-{Dimensions.ToString(CultureInfo.InvariantCulture)}"
        : $"{Embedder}-{Version}-m{Model}-{Dimensions.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The <see cref="Id"/>.</summary>
    public override string ToString() => Id;

    /// <summary>
    /// The inverse of <see cref="Id"/>: the embedder runs to the first '-', the dimensions follow the last, and a
    /// segment of 'm' and <see cref="ModelLength"/> hex digits just before them is the model.
    /// </summary>
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
        string? model = null;
        var modelStart = version.Length - ModelLength - 1;
        if (modelStart >= 2 && version[modelStart - 1] == '-' && IsModelSegment(version.AsSpan(modelStart)))
        {
            model = version[(modelStart + 1)..];
            version = version[..(modelStart - 1)];
        }
        if (!IsValidPart(embedder, allowHyphen: false) || !IsValidVersion(version))
            return false;
        space = new EmbeddingSpace(embedder, version, dimensions, model);
        return true;
    }

    private static bool IsModelSegment(ReadOnlySpan<char> segment) =>
        segment.Length == ModelLength + 1 && segment[0] == 'm' && IsModel(segment[1..]);

    private static bool IsModel(ReadOnlySpan<char> model)
    {
        if (model.Length != ModelLength)
            return false;
        foreach (var c in model)
            if (!(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
                return false;
        return true;
    }

    private static bool IsValidVersion(string? version)
    {
        if (!IsValidPart(version, allowHyphen: true))
            return false;
        var last = version!.LastIndexOf('-');
        return last < 0 || !IsModelSegment(version.AsSpan(last + 1));
    }

    private static string CheckVersion(string version) =>
        IsValidVersion(version)
            ? version
            : throw new ArgumentException($"Version '{version}' must be non-empty lowercase letters, digits and '.' or inner '-', and may not end in a model segment.", nameof(Version));

    private static string? CheckModel(string? model) =>
        model is null || IsModel(model)
            ? model
            : throw new ArgumentException($"Model '{model}' must be {ModelLength} lowercase hex digits.", nameof(Model));

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
