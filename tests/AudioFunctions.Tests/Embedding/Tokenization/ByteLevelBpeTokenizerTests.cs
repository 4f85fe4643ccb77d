using System.Text;
using System.Text.Json.Nodes;
using AudioFunctions.Embedding.Tokenization;

namespace AudioFunctions.Tests.Embedding.Tokenization;

/// <summary>
/// Expected ids below are worked out by hand from the small tokenizer.json built in <see cref="TokenizerJson"/>:
/// &lt;s&gt;=0, &lt;pad&gt;=1, &lt;/s&gt;=2, &lt;unk&gt;=3, the symbol of byte b = 4 + b (so 'a' 0x61 = 101,
/// space 'Ġ' = 36, '!' = 37, '\'' = 43, '\n' 'Ċ' = 14), the merged tokens 260.. in merge order (see
/// <see cref="Merges"/>), and &lt;mask&gt;=279 (lstrip, as in RoBERTa).
/// </summary>
public sealed class ByteLevelBpeTokenizerTests
{
    // Rank = index. Each yields the next id from 260 on.
    private static readonly (string Left, string Right)[] Merges =
    [
        ("Ġ", "t"),     // 0  -> Ġt     260
        ("h", "e"),     // 1  -> he     261
        ("Ġt", "he"),   // 2  -> Ġthe   262
        ("l", "o"),     // 3  -> lo     263
        ("lo", "w"),    // 4  -> low    264
        ("Ġ", "low"),   // 5  -> Ġlow   265
        ("e", "r"),     // 6  -> er     266
        ("Ġlow", "er"), // 7  -> Ġlower 267
        ("b", "c"),     // 8  -> bc     268
        ("a", "b"),     // 9  -> ab     269
        ("ab", "c"),    // 10 -> abc    270 (reachable only by merging in the wrong order)
        ("a", "a"),     // 11 -> aa     271
        ("Ã", "©"),     // 12 -> Ã©     272 (é is C3 A9)
        ("Ġ", "c"),     // 13 -> Ġc     273
        ("Ġc", "a"),    // 14 -> Ġca    274
        ("Ġca", "f"),   // 15 -> Ġcaf   275
        ("Ġcaf", "Ã©"), // 16 -> ĠcafÃ© 276
        ("ð", "Ł"),     // 17 -> ðŁ     277 (F0 9F, the start of most emoji)
        ("Ġ", "Ġ"),     // 18 -> ĠĠ     278
    ];

    private const int Mask = 279;

    [Fact]
    public void ByteAlphabet_MatchesGpt2Table()
    {
        // Anchors from GPT-2's published vocabulary: space is Ġ, newline Ċ, 0x9F Ł, 0x8E İ, soft hyphen U+0143.
        Assert.Equal('Ġ', GptSymbol(0x20));
        Assert.Equal('Ċ', GptSymbol(0x0A));
        Assert.Equal('Ł', GptSymbol(0x9F));
        Assert.Equal('İ', GptSymbol(0x8E));
        Assert.Equal('\u0143', GptSymbol(0xAD));
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal(GptSymbol((byte)b), ByteLevelAlphabet.Symbol((byte)b));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PrefixSpace_IsAddedOnce_WhenConfigured(bool mergesAsPairs)
    {
        var prefixed = Load(mergesAsPairs, addPrefixSpace: true);
        var plain = Load(mergesAsPairs, addPrefixSpace: false);

        // " the" = Ġ t h e: Ġt (rank 0), he (1), Ġthe (2).
        Assert.Equal([0, 262, 2], prefixed.Encode("the"));
        // Already starts with a space: no second one (that would give "Ġ" then "Ġthe").
        Assert.Equal([0, 262, 2], prefixed.Encode(" the"));
        // Without the prefix: t h e -> t he; "t he" has no merge.
        Assert.Equal([0, 120, 261, 2], plain.Encode("the"));
        Assert.Equal([0, 262, 2], plain.Encode(" the"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Merges_LowestRankFirst(bool mergesAsPairs)
    {
        var tokenizer = Load(mergesAsPairs);

        // a b c: "b c" (rank 8) beats "a b" (9) -> a bc, and "a bc" has no merge. Left-to-right would give abc (270).
        Assert.Equal([0, 101, 268, 2], tokenizer.Encode("abc"));
        // Ġ l o w e r: lo (3), low (4), Ġlow (5), er (6), Ġlower (7).
        Assert.Equal([0, 267, 2], tokenizer.Encode(" lower"));
        // l o w e r: lo, low, er; no "low er" merge -> low er.
        Assert.Equal([0, 264, 266, 2], tokenizer.Encode("lower"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Merges_TieGoesToTheLeftmostPair(bool mergesAsPairs)
    {
        var tokenizer = Load(mergesAsPairs);

        // a a a: both pairs are rank 11; the left one merges -> aa a.
        Assert.Equal([0, 271, 101, 2], tokenizer.Encode("aaa"));
        // a a a a: aa a a, then the remaining "a a" -> aa aa.
        Assert.Equal([0, 271, 271, 2], tokenizer.Encode("aaaa"));
        // Ġ Ġ Ġ (trailing spaces are one piece): ĠĠ Ġ.
        Assert.Equal([0, 101, 278, 36, 2], tokenizer.Encode("a   "));
    }

    [Fact]
    public void BytesWithoutMerges_StayByteTokens()
    {
        var tokenizer = Load();

        // No merge touches x, y, z or '!': one token per byte; '!' is its own piece (not a letter).
        Assert.Equal([0, 124, 125, 126, 37, 2], tokenizer.Encode("xyz!"));
    }

    [Fact]
    public void SymbolMissingFromVocabulary_BecomesUnkToken()
    {
        JsonObject json = TokenizerJson();
        json["model"]!["unk_token"] = "<unk>";
        ((JsonObject)json["model"]!["vocab"]!).Remove("x");

        // x has no symbol any more: <unk> (3), then y z as bytes.
        Assert.Equal([0, 3, 125, 126, 2], LoadJson(json).Encode("xyz"));
    }

    [Fact]
    public void PreTokenizer_SplitsAsGpt2Pattern()
    {
        var tokenizer = Load();

        // "a", " " (a space run backs off its last space), " b" -> 101 | 36 | 36 102.
        Assert.Equal([0, 101, 36, 36, 102, 2], tokenizer.Encode("a  b"));
        // "a", "\n" (a lone non-space whitespace stays alone), "b".
        Assert.Equal([0, 101, 14, 102, 2], tokenizer.Encode("a\nb"));
        // "it", "'s": the contraction is its own piece.
        Assert.Equal([0, 109, 120, 43, 119, 2], tokenizer.Encode("it's"));
        // "the", " lower", " abc": t he | Ġlower | Ġ a bc (Ġ a has no merge; b c outranks a b).
        Assert.Equal([0, 120, 261, 267, 36, 101, 268, 2], tokenizer.Encode("the lower abc"));
    }

    [Fact]
    public void SpecialTokensInText_AreMatchedBeforeBpe()
    {
        var plain = Load(addPrefixSpace: false);
        var prefixed = Load(addPrefixSpace: true);

        // "the" </s> "the": each run tokenized alone (t he), </s> is id 2 in place.
        Assert.Equal([0, 120, 261, 2, 120, 261, 2], plain.Encode("the</s>the"));
        // With add_prefix_space each run gets its own leading space: Ġthe </s> Ġthe.
        Assert.Equal([0, 262, 2, 262, 2], prefixed.Encode("the</s>the"));
        // <s> written in the text is the token, not the bytes < s >.
        Assert.Equal([0, 0, 2], plain.Encode("<s>"));
        // <mask> strips the space on its left: "a" <mask> (not "a", "Ġ", <mask>).
        Assert.Equal([0, 101, Mask, 2], plain.Encode("a <mask>"));
        // ...but not on its right: <mask>, " a" = Ġ a.
        Assert.Equal([0, Mask, 36, 101, 2], plain.Encode("<mask> a"));
    }

    [Fact]
    public void Unicode_IsEncodedAsUtf8Bytes()
    {
        var tokenizer = Load();

        // " café" = Ġ c a f Ã ©: Ã© (12) first, then Ġc (13), Ġca (14), Ġcaf (15), ĠcafÃ© (16).
        Assert.Equal([0, 276, 2], tokenizer.Encode(" café"));
        // "café" = c a f Ã ©: only Ã© merges.
        Assert.Equal([0, 103, 101, 106, 272, 2], tokenizer.Encode("café"));
        // 🎵 U+1F3B5 = F0 9F 8E B5 = ð Ł İ µ; " 🎵" is one piece: Ġ, ðŁ (17), 0x8E = 146, 0xB5 = 185.
        Assert.Equal([0, 101, 36, 277, 146, 185, 2], tokenizer.Encode("a 🎵"));
    }

    [Fact]
    public void EmptyText_IsOnlyTheSpecialTokens()
    {
        Assert.Equal([0, 2], Load(addPrefixSpace: false).Encode(string.Empty));
        // An empty run gets no prefix space.
        Assert.Equal([0, 2], Load(addPrefixSpace: true).Encode(string.Empty));
    }

    [Fact]
    public void Truncation_KeepsTheClosingToken()
    {
        var right = Load(truncation: new JsonObject { ["max_length"] = 5, ["strategy"] = "LongestFirst", ["direction"] = "Right" });
        var left = Load(truncation: new JsonObject { ["max_length"] = 5, ["strategy"] = "LongestFirst", ["direction"] = "Left" });

        Assert.Equal(5, right.MaxLength);
        // Content t he Ġlower Ġ a bc (6 ids) cut to 5 - 2 = 3; </s> still closes the row.
        Assert.Equal([0, 120, 261, 267, 2], right.Encode("the lower abc"));
        // Left truncation keeps the last 3: Ġ a bc.
        Assert.Equal([0, 36, 101, 268, 2], left.Encode("the lower abc"));
    }

    [Fact]
    public void Truncation_DefaultsToModelMaxLength()
    {
        var tokenizer = Load();
        Assert.Equal(512, tokenizer.MaxLength);

        // "a" then 599 × " a": 1 + 599 × 2 (Ġ a, no merge) = 1199 content ids, cut to 510 between <s> and </s>.
        string text = "a" + string.Concat(Enumerable.Repeat(" a", 599));
        int[] ids = tokenizer.Encode(text);
        Assert.Equal(512, ids.Length);
        Assert.Equal(0, ids[0]);
        Assert.Equal(2, ids[^1]);
        Assert.Equal([101, 36, 101, 36], ids[1..5]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Batch_PadsToTheLongestRow_WithAttentionMask(bool mergesAsPairs)
    {
        var tokenizer = Load(mergesAsPairs, padding: new JsonObject
        {
            ["strategy"] = "BatchLongest", ["direction"] = "Right", ["pad_id"] = 1, ["pad_token"] = "<pad>",
        });

        TokenBatch batch = tokenizer.EncodeBatch(["the lower abc", "aaa", ""]);

        Assert.Equal(3, batch.BatchSize);
        Assert.Equal(8, batch.SequenceLength);
        Assert.Equal(24, batch.InputIds.Length);
        // Row 0 is the longest (see PreTokenizer_SplitsAsGpt2Pattern); row 1 is aa a (see the tie test); row 2 empty.
        Assert.Equal([0L, 120, 261, 267, 36, 101, 268, 2], batch.InputIdsRow(0).ToArray());
        Assert.Equal([0L, 271, 101, 2, 1, 1, 1, 1], batch.InputIdsRow(1).ToArray());
        Assert.Equal([0L, 2, 1, 1, 1, 1, 1, 1], batch.InputIdsRow(2).ToArray());
        Assert.Equal([1L, 1, 1, 1, 1, 1, 1, 1], batch.AttentionMaskRow(0).ToArray());
        Assert.Equal([1L, 1, 1, 1, 0, 0, 0, 0], batch.AttentionMaskRow(1).ToArray());
        Assert.Equal([1L, 1, 0, 0, 0, 0, 0, 0], batch.AttentionMaskRow(2).ToArray());
    }

    [Fact]
    public void Batch_PadsToFixedLength_AndLeftWhenConfigured()
    {
        var fixedRight = Load(padding: new JsonObject { ["strategy"] = new JsonObject { ["Fixed"] = 6 }, ["pad_id"] = 1 });
        var left = Load(padding: new JsonObject { ["strategy"] = "BatchLongest", ["direction"] = "Left", ["pad_id"] = 1 });

        TokenBatch fixedBatch = fixedRight.EncodeBatch(["aaa"]);
        Assert.Equal(6, fixedBatch.SequenceLength);
        Assert.Equal([0L, 271, 101, 2, 1, 1], fixedBatch.InputIds);
        Assert.Equal([1L, 1, 1, 1, 0, 0], fixedBatch.AttentionMask);

        TokenBatch leftBatch = left.EncodeBatch(["aaa", ""]);
        // "aaa" is the longest row (4); the empty one gets its 2 pads in front.
        Assert.Equal([0L, 271, 101, 2], leftBatch.InputIdsRow(0).ToArray());
        Assert.Equal([1L, 1, 0, 2], leftBatch.InputIdsRow(1).ToArray());
        Assert.Equal([0L, 0, 1, 1], leftBatch.AttentionMaskRow(1).ToArray());
    }

    [Fact]
    public void Batch_WithoutPaddingSection_PadsToLongestWithPadTokenId()
    {
        var tokenizer = Load();

        TokenBatch batch = tokenizer.EncodeBatch(["abc", ""]);

        Assert.Equal(1L, tokenizer.PadId);
        Assert.Equal([0L, 101, 268, 2, 0, 2, 1, 1], batch.InputIds);
        Assert.Equal([1L, 1, 1, 1, 1, 1, 0, 0], batch.AttentionMask);
    }

    [Fact]
    public void TemplateProcessing_WrapsLikeRobertaProcessing()
    {
        var template = new JsonObject
        {
            ["type"] = "TemplateProcessing",
            ["single"] = new JsonArray(
                new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<s>", ["type_id"] = 0 } },
                new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "</s>", ["type_id"] = 0 } }),
            ["pair"] = new JsonArray(),
            ["special_tokens"] = new JsonObject
            {
                ["<s>"] = new JsonObject { ["id"] = "<s>", ["ids"] = new JsonArray(0), ["tokens"] = new JsonArray("<s>") },
                ["</s>"] = new JsonObject { ["id"] = "</s>", ["ids"] = new JsonArray(2), ["tokens"] = new JsonArray("</s>") },
            },
        };

        Assert.Equal([0, 120, 261, 2], Load(postProcessor: template).Encode("the"));
    }

    [Fact]
    public void WordCache_StaysWithinItsCapacity()
    {
        using var json = new MemoryStream(Encoding.UTF8.GetBytes(TokenizerJson().ToJsonString()));
        var tokenizer = ByteLevelBpeTokenizer.Load(json, 512, cacheCapacity: 2);

        // Six distinct pieces; later ones are computed afresh and still correct.
        Assert.Equal([0, 120, 261, 267, 36, 101, 268, 2], tokenizer.Encode("the lower abc"));
        Assert.Equal([0, 101, 268, 36, 101, 268, 2], tokenizer.Encode("abc abc"));
        Assert.Equal([0, 120, 261, 267, 36, 101, 268, 2], tokenizer.Encode("the lower abc"));
        Assert.Equal(2, tokenizer.CachedWordCount);
    }

    [Fact]
    public void Load_RejectsWhatItCannotHonour()
    {
        JsonObject withNormalizer = TokenizerJson();
        withNormalizer["normalizer"] = new JsonObject { ["type"] = "Lowercase" };
        Assert.Throws<TokenizerFormatException>(() => LoadJson(withNormalizer));

        JsonObject badMerge = TokenizerJson();
        ((JsonArray)badMerge["model"]!["merges"]!).Add("q u"); // "qu" is not in the vocabulary
        Assert.Throws<TokenizerFormatException>(() => LoadJson(badMerge));

        JsonObject dropout = TokenizerJson();
        dropout["model"]!["dropout"] = 0.1;
        Assert.Throws<TokenizerFormatException>(() => LoadJson(dropout));
    }

    private static ByteLevelBpeTokenizer Load(
        bool mergesAsPairs = false,
        bool addPrefixSpace = false,
        JsonObject? truncation = null,
        JsonObject? padding = null,
        JsonObject? postProcessor = null) =>
        LoadJson(TokenizerJson(mergesAsPairs, addPrefixSpace, truncation, padding, postProcessor));

    private static ByteLevelBpeTokenizer LoadJson(JsonObject json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()));
        return ByteLevelBpeTokenizer.Load(stream);
    }

    /// <summary>A RoBERTa-shaped tokenizer.json over the 256 byte symbols and <see cref="Merges"/>.</summary>
    private static JsonObject TokenizerJson(
        bool mergesAsPairs = false,
        bool addPrefixSpace = false,
        JsonObject? truncation = null,
        JsonObject? padding = null,
        JsonObject? postProcessor = null)
    {
        var vocab = new JsonObject { ["<s>"] = 0, ["<pad>"] = 1, ["</s>"] = 2, ["<unk>"] = 3 };
        for (int b = 0; b < 256; b++)
        {
            vocab[GptSymbol((byte)b).ToString()] = 4 + b;
        }

        var merges = new JsonArray();
        for (int rank = 0; rank < Merges.Length; rank++)
        {
            (string left, string right) = Merges[rank];
            vocab[left + right] = 260 + rank;
            merges.Add(mergesAsPairs ? new JsonArray(left, right) : JsonValue.Create($"{left} {right}"));
        }

        vocab["<mask>"] = Mask;

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = truncation,
            ["padding"] = padding,
            ["added_tokens"] = new JsonArray(
                AddedTokenJson(0, "<s>", lstrip: false),
                AddedTokenJson(1, "<pad>", lstrip: false),
                AddedTokenJson(2, "</s>", lstrip: false),
                AddedTokenJson(3, "<unk>", lstrip: false),
                AddedTokenJson(Mask, "<mask>", lstrip: true)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "ByteLevel", ["add_prefix_space"] = addPrefixSpace, ["trim_offsets"] = true, ["use_regex"] = true,
            },
            ["post_processor"] = postProcessor ?? new JsonObject
            {
                ["type"] = "RobertaProcessing",
                ["sep"] = new JsonArray("</s>", 2),
                ["cls"] = new JsonArray("<s>", 0),
                ["trim_offsets"] = true,
                ["add_prefix_space"] = addPrefixSpace,
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = string.Empty,
                ["end_of_word_suffix"] = string.Empty,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = merges,
            },
        };
    }

    private static JsonObject AddedTokenJson(int id, string content, bool lstrip) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = lstrip, ["rstrip"] = false,
        ["normalized"] = false, ["special"] = true,
    };

    /// <summary>
    /// GPT-2's bytes_to_unicode, written out here independently of the code under test: printable bytes stand for
    /// themselves, the other 68 take U+0100 upwards in byte order.
    /// </summary>
    private static char GptSymbol(byte value)
    {
        static bool Printable(int b) => (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;

        if (Printable(value))
        {
            return (char)value;
        }

        int shifted = 0;
        for (int b = 0; b < value; b++)
        {
            if (!Printable(b))
            {
                shifted++;
            }
        }

        return (char)(0x100 + shifted);
    }
}
