using System.Buffers;
using System.Numerics.Tensors;
using System.Text;

namespace AudioFunctions.Embedding;

/// <summary>
/// A 512-d bag of hashed word and character n-grams (space <c>lexical-1-512</c>): the same words, or the same
/// stems and spellings, give close vectors (cosine); no model, no vocabulary.
/// </summary>
/// <remarks>
/// <para>
/// Text is folded with <see cref="TextFolding"/> (lowercase, NFKD, diacritics removed), apostrophes are dropped
/// ("don't" → "dont") and every other character that is not a letter or digit separates tokens.
/// </para>
/// <para>
/// Features, each written as a UTF-8 string: <c>"w " + token</c> (weight 1.0), <c>"b " + token + " " + next token</c>
/// (0.7), and <c>"c " + gram</c> for every 3- and 4-code-point gram of <c>"&lt;" + token + "&gt;"</c> (0.5). Each
/// feature's FNV-1a 64 hash h (<see cref="Fnv1a64"/>) picks dimension (h XOR h >> 32) mod 512 and sign + if bit 63 of
/// h is 0, else −; it adds sign · weight · (1 + ln tf), tf being its count in the text. The sum is L2-normalised.
/// </para>
/// <para>Cost: linear in the text; rents its buffers from <see cref="ArrayPool{T}.Shared"/>.</para>
/// </remarks>
public sealed class LexicalTextEmbedder : ITextEmbedder
{
    public const int Dimensions = 512;
    public const float WordWeight = 1.0f;
    public const float BigramWeight = 0.7f;
    public const float CharGramWeight = 0.5f;

    private const int BeginMarker = '<';
    private const int EndMarker = '>';

    public EmbeddingSpace Space { get; } = new("lexical", "1", Dimensions);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The destination is not 512 floats.</exception>
    public void Embed(string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (destination.Length != Dimensions)
            throw new ArgumentException($"The destination must hold exactly {Dimensions} floats; got {destination.Length}.", nameof(destination));
        destination.Clear();

        var capacity = text.Length * TextFolding.MaxFoldLength + 1;
        var codePoints = ArrayPool<int>.Shared.Rent(capacity);
        var tokens = ArrayPool<int>.Shared.Rent(2 * text.Length + 2);
        var hashes = ArrayPool<ulong>.Shared.Rent(4 * capacity);
        var weights = ArrayPool<float>.Shared.Rent(4 * capacity);
        try
        {
            var tokenCount = Tokenize(text, codePoints, tokens);
            var featureCount = Hash(codePoints, tokens.AsSpan(0, 2 * tokenCount), hashes, weights);
            Accumulate(hashes.AsSpan(0, featureCount), weights.AsSpan(0, featureCount), destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(weights);
            ArrayPool<ulong>.Shared.Return(hashes);
            ArrayPool<int>.Shared.Return(tokens);
            ArrayPool<int>.Shared.Return(codePoints);
        }
        var norm = TensorPrimitives.Norm(destination);
        if (norm > 0)
            TensorPrimitives.Divide(destination, norm, destination);
    }

    /// <summary>Folds <paramref name="text"/> into <paramref name="codePoints"/>; token i is (start, length) at tokens[2i].</summary>
    private static int Tokenize(string text, Span<int> codePoints, Span<int> tokens)
    {
        int length = 0, tokenCount = 0, start = 0;
        Span<int> folded = stackalloc int[TextFolding.MaxFoldLength];
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsApostrophe(rune))
                continue;
            var n = TextFolding.Fold(rune, folded);
            if (n >= 0)
            {
                folded[..n].CopyTo(codePoints[length..]);
                length += n;
                continue;
            }
            if (length > start)
            {
                tokens[2 * tokenCount] = start;
                tokens[2 * tokenCount++ + 1] = length - start;
            }
            start = length;
        }
        if (length > start)
        {
            tokens[2 * tokenCount] = start;
            tokens[2 * tokenCount++ + 1] = length - start;
        }
        return tokenCount;
    }

    private static bool IsApostrophe(Rune rune) => rune.Value is '\'' or '\u2019' or '\u02BC' or '`';

    private static int Hash(ReadOnlySpan<int> codePoints, ReadOnlySpan<int> tokens, Span<ulong> hashes, Span<float> weights)
    {
        var count = 0;
        var word = Fnv1a64.AppendAscii(Fnv1a64.OffsetBasis, "w ");
        var bigram = Fnv1a64.AppendAscii(Fnv1a64.OffsetBasis, "b ");
        var gram = Fnv1a64.AppendAscii(Fnv1a64.OffsetBasis, "c ");
        for (var i = 0; i < tokens.Length; i += 2)
        {
            var token = codePoints.Slice(tokens[i], tokens[i + 1]);
            hashes[count] = Fnv1a64.AppendCodePoints(word, token);
            weights[count++] = WordWeight;
            if (i + 2 < tokens.Length)
            {
                var next = codePoints.Slice(tokens[i + 2], tokens[i + 3]);
                var h = Fnv1a64.AppendByte(Fnv1a64.AppendCodePoints(bigram, token), (byte)' ');
                hashes[count] = Fnv1a64.AppendCodePoints(h, next);
                weights[count++] = BigramWeight;
            }
            // Grams of the padded token "<token>", whose positions run from −1 (the "<") to token.Length (the ">").
            for (var n = 3; n <= 4; n++)
                for (var first = -1; first + n - 1 <= token.Length; first++)
                {
                    var h = gram;
                    for (var p = first; p < first + n; p++)
                        h = Fnv1a64.AppendCodePoint(h, p < 0 ? BeginMarker : p == token.Length ? EndMarker : token[p]);
                    hashes[count] = h;
                    weights[count++] = CharGramWeight;
                }
        }
        return count;
    }

    /// <summary>Sorts the features by hash so equal features are adjacent, then adds each once with its sublinear count.</summary>
    private static void Accumulate(Span<ulong> hashes, Span<float> weights, Span<float> destination)
    {
        hashes.Sort(weights);
        for (var i = 0; i < hashes.Length;)
        {
            var hash = hashes[i];
            var run = 1;
            while (i + run < hashes.Length && hashes[i + run] == hash)
                run++;
            var index = (int)((hash ^ (hash >> 32)) % Dimensions);
            var value = weights[i] * (1 + MathF.Log(run));
            destination[index] += (hash >> 63) == 0 ? value : -value;
            i += run;
        }
    }
}
