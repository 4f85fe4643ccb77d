namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// The byte-level alphabet of GPT-2 and RoBERTa: every byte is written as one printable character so a BPE vocabulary
/// of strings can hold any UTF-8 sequence.
/// </summary>
/// <remarks>
/// Follows <c>bytes_char</c> in huggingface/tokenizers <c>pre_tokenizers/byte_level.rs</c> (GPT-2's
/// <c>bytes_to_unicode</c>): the bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF stand for themselves; the 68 others
/// (controls, space, DEL, 0x80..0xA0, soft hyphen), in increasing byte order, take U+0100, U+0101, … So space (0x20,
/// the 33rd of them) is 'Ġ' (U+0120) and newline is 'Ċ' (U+010A). Every symbol is in the BMP, one UTF-16 char.
/// </remarks>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToSymbol = Build();

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char Symbol(byte value) => ByteToSymbol[value];

    /// <summary>Writes one symbol per byte; <paramref name="symbols"/> must be at least as long as the bytes.</summary>
    public static void Map(ReadOnlySpan<byte> bytes, Span<char> symbols)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            symbols[i] = ByteToSymbol[bytes[i]];
        }
    }

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }
}
