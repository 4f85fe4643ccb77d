namespace AudioFunctions.Embedding;

/// <summary>
/// FNV-1a, 64-bit, over UTF-8: h = 14695981039346656037; for each byte b: h = (h XOR b) · 1099511628211 (mod 2⁶⁴).
/// Fixed for all processes and machines, unlike <see cref="string.GetHashCode()"/>.
/// </summary>
internal static class Fnv1a64
{
    public const ulong OffsetBasis = 14695981039346656037;
    public const ulong Prime = 1099511628211;

    public static ulong AppendByte(ulong hash, byte value) => (hash ^ value) * Prime;

    /// <summary>Appends the ASCII text <paramref name="ascii"/>, one byte per character.</summary>
    public static ulong AppendAscii(ulong hash, string ascii)
    {
        foreach (var c in ascii)
            hash = AppendByte(hash, (byte)c);
        return hash;
    }

    /// <summary>Appends the UTF-8 encoding (1 to 4 bytes) of the Unicode scalar value <paramref name="codePoint"/>.</summary>
    public static ulong AppendCodePoint(ulong hash, int codePoint)
    {
        if (codePoint < 0x80)
            return AppendByte(hash, (byte)codePoint);
        if (codePoint < 0x800)
        {
            hash = AppendByte(hash, (byte)(0xC0 | (codePoint >> 6)));
            return AppendByte(hash, (byte)(0x80 | (codePoint & 0x3F)));
        }
        if (codePoint < 0x10000)
        {
            hash = AppendByte(hash, (byte)(0xE0 | (codePoint >> 12)));
            hash = AppendByte(hash, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
            return AppendByte(hash, (byte)(0x80 | (codePoint & 0x3F)));
        }
        hash = AppendByte(hash, (byte)(0xF0 | (codePoint >> 18)));
        hash = AppendByte(hash, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
        hash = AppendByte(hash, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
        return AppendByte(hash, (byte)(0x80 | (codePoint & 0x3F)));
    }

    public static ulong AppendCodePoints(ulong hash, ReadOnlySpan<int> codePoints)
    {
        foreach (var codePoint in codePoints)
            hash = AppendCodePoint(hash, codePoint);
        return hash;
    }
}
