using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace AudioFunctions.Embedding;

/// <summary>
/// Folds a character to the letters or digits it is searched as: lowercase (invariant), compatibility-decomposed
/// (NFKD) with its diacritics removed, so "Beyoncé" and "BEYONCE" read the same.
/// </summary>
/// <remarks>
/// The app runs with InvariantGlobalization, where <see cref="string.Normalize(NormalizationForm)"/> leaves non-ASCII
/// text unchanged, so NFKD is a table here: generated with Python's unicodedata (NFKD, drop combining marks, lowercase)
/// over Latin-1, Latin Extended-A/B and Additional, Greek, Greek Extended and Cyrillic, keeping entries that fold to
/// one letter or digit and are not plain case pairs (ToLowerInvariant handles those). Beyond NFKD, letters with a
/// stroke and ligatures fold to their plain spelling (ø → o, ł → l, đ → d, æ → ae, ß → ss, ﬁ → fi), final sigma to
/// sigma, and fullwidth ASCII to ASCII. Combining marks are dropped.
/// </remarks>
internal static class TextFolding
{
    private static readonly FrozenDictionary<char, string> Folds = Build(
    [
        ("1", "¹"),
        ("2", "²"),
        ("3", "³"),
        ("a", "ªàáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ"),
        ("b", "ḃḅḇ"),
        ("c", "çćĉċčḉ"),
        ("d", "ďḋḍḏḑḓđð"),
        ("e", "èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ"),
        ("f", "ḟ"),
        ("g", "ĝğġģǧǵḡ"),
        ("h", "ĥȟḣḥḧḩḫẖħ"),
        ("i", "ìíîïĩīĭįİǐȉȋḭḯỉịı"),
        ("j", "ĵǰ"),
        ("k", "ķǩḱḳḵ"),
        ("l", "ĺļľḷḹḻḽł"),
        ("m", "ḿṁṃ"),
        ("n", "ñńņňǹṅṇṉṋ"),
        ("o", "ºòóôõöōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợøǿ"),
        ("p", "ṕṗ"),
        ("r", "ŕŗřȑȓṙṛṝṟ"),
        ("s", "śŝşšſșṡṣṥṧṩẛ"),
        ("t", "ţťțṫṭṯṱẗ"),
        ("u", "ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự"),
        ("v", "ṽṿ"),
        ("w", "ŵẁẃẅẇẉẘ"),
        ("x", "ẋẍ"),
        ("y", "ýÿŷȳẏẙỳỵỷỹ"),
        ("z", "źżžẑẓẕ"),
        ("ʒ", "ǯ"),
        ("α", "άἀἁἂἃἄἅἆἇὰάᾀᾁᾂᾃᾄᾅᾆᾇᾰᾱᾲᾳᾴᾶᾷ"),
        ("β", "ϐ"),
        ("ε", "έϵἐἑἒἓἔἕὲέ"),
        ("η", "ήἠἡἢἣἤἥἦἧὴήᾐᾑᾒᾓᾔᾕᾖᾗῂῃῄῆῇ"),
        ("θ", "ϑ"),
        ("ι", "ΐίϊἰἱἲἳἴἵἶἷὶίιῐῑῒΐῖῗ"),
        ("κ", "ϰ"),
        ("μ", "µ"),
        ("ο", "όὀὁὂὃὄὅὸό"),
        ("π", "ϖ"),
        ("ρ", "ϱῤῥ"),
        ("υ", "ΰϋύϒϓϔὐὑὒὓὔὕὖὗὺύῠῡῢΰῦῧ"),
        ("φ", "ϕ"),
        ("ω", "ώὠὡὢὣὤὥὦὧὼώᾠᾡᾢᾣᾤᾥᾦᾧῲῳῴῶῷ"),
        ("а", "ӑӓ"),
        ("г", "ѓ"),
        ("е", "ѐёӗ"),
        ("ж", "ӂӝ"),
        ("з", "ӟ"),
        ("и", "йѝӣӥ"),
        ("к", "ќ"),
        ("о", "ӧ"),
        ("у", "ўӯӱӳ"),
        ("ч", "ӵ"),
        ("ы", "ӹ"),
        ("э", "ӭ"),
        ("і", "ї"),
        ("ѵ", "ѷ"),
        ("ә", "ӛ"),
        ("ө", "ӫ"),
        ("σ", "ςϲ"),
        ("ae", "æǣǽ"),
        ("oe", "œ"),
        ("ss", "ß"),
        ("th", "þ"),
        ("ij", "ĳ"),
        ("dz", "ǆǳ"),
        ("lj", "ǉ"),
        ("nj", "ǌ"),
        ("ff", "ﬀ"),
        ("fi", "ﬁ"),
        ("fl", "ﬂ"),
        ("ffi", "ﬃ"),
        ("ffl", "ﬄ"),
        ("st", "ﬅﬆ"),    ]);

    /// <summary>The most code points one character folds to (ﬃ → ffi).</summary>
    public const int MaxFoldLength = 3;

    /// <summary>
    /// Writes the folded form of <paramref name="rune"/> (at most <see cref="MaxFoldLength"/> code points) to
    /// <paramref name="destination"/> and returns its length: 0 for a combining mark, −1 for a separator (neither
    /// letter nor digit once folded).
    /// </summary>
    public static int Fold(Rune rune, Span<int> destination)
    {
        if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            return 0;
        var lower = Rune.ToLowerInvariant(rune);
        if (lower.Value is >= 0xFF10 and <= 0xFF5E) // fullwidth digits and letters
            lower = new Rune(lower.Value - 0xFEE0);
        if (lower.IsBmp && Folds.TryGetValue((char)lower.Value, out var fold))
        {
            for (var i = 0; i < fold.Length; i++)
                destination[i] = fold[i];
            return fold.Length;
        }
        if (!Rune.IsLetterOrDigit(lower))
            return -1;
        destination[0] = lower.Value;
        return 1;
    }

    private static FrozenDictionary<char, string> Build((string Fold, string Sources)[] table)
    {
        var folds = new Dictionary<char, string>();
        foreach (var (fold, sources) in table)
            foreach (var source in sources)
                folds.Add(source, fold);
        return folds.ToFrozenDictionary();
    }
}
