using System.Security.Cryptography;
using System.Text;
using AudioFunctions.Embedding;

namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// Names of the per-(collection, space) indexes: <c>{prefix}-{collection}-{space}</c>. Index names may hold lowercase
/// letters, digits and dashes, neither start nor end with a dash, hold no double dash and run to 128 characters. A space
/// id that already obeys this (e.g. <c>dsp-1-512</c>) is used as it is and can be read back from the name; any other
/// (e.g. <c>clap-1.2-512</c>) has its other characters turned into dashes and gains a segment of eight letters a..p, the
/// first 32 bits of the id's SHA-256, which keeps names apart. A space id always ends in its dimensions, so a name that
/// ends in letters never reads as an unchanged id, and the two forms cannot collide.
/// </summary>
public static class AzureSearchIndexNames
{
    /// <summary>The service's limit on index name length.</summary>
    public const int MaxLength = 128;

    private const int HashLetters = 8;

    /// <summary>The index that holds the vectors of <paramref name="space"/> in <paramref name="collection"/>.</summary>
    public static string For(string prefix, VectorCollection collection, EmbeddingSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var head = $"{prefix}-{collection.ToWireName()}-";
        var id = space.Id;
        if (IsNameFragment(id) && head.Length + id.Length <= MaxLength)
            return head + id;
        var room = MaxLength - head.Length - HashLetters - 1;
        var sanitised = Sanitise(id);
        if (sanitised.Length > room)
            sanitised = sanitised[..room].TrimEnd('-');
        return sanitised.Length == 0 ? head + Hash(id) : $"{head}{sanitised}-{Hash(id)}";
    }

    /// <summary>
    /// Reads an index name of this deployment back: its collection always, its space when the name holds the space id
    /// unchanged (null when the id was sanitised; the documents' <c>space</c> field then tells it).
    /// </summary>
    public static bool TryParse(string prefix, string name, out VectorCollection collection, out EmbeddingSpace? space)
    {
        space = null;
        foreach (var candidate in (ReadOnlySpan<VectorCollection>)[VectorCollection.Audio, VectorCollection.Text])
        {
            var head = $"{prefix}-{candidate.ToWireName()}-";
            if (!name.StartsWith(head, StringComparison.Ordinal) || name.Length == head.Length)
                continue;
            collection = candidate;
            if (EmbeddingSpace.TryParse(name[head.Length..], out var parsed) && For(prefix, candidate, parsed) == name)
                space = parsed;
            return true;
        }
        collection = default;
        return false;
    }

    private static bool IsNameFragment(string value)
    {
        if (value.Length == 0 || value[0] == '-' || value[^1] == '-' || value.Contains("--", StringComparison.Ordinal))
            return false;
        foreach (var c in value)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                return false;
        return true;
    }

    private static string Sanitise(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var mapped = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-';
            if (mapped == '-' && (builder.Length == 0 || builder[^1] == '-'))
                continue;
            builder.Append(mapped);
        }
        return builder.ToString().TrimEnd('-');
    }

    /// <summary>The first 32 bits of the id's SHA-256 as eight letters a..p, one per nibble.</summary>
    private static string Hash(string value)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        Span<char> letters = stackalloc char[HashLetters];
        for (var i = 0; i < HashLetters; i++)
            letters[i] = (char)('a' + ((digest[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF));
        return new string(letters);
    }
}
