using System.Text.Json;

namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// Reads the parts of a Hugging Face <c>tokenizer.json</c> that a RoBERTa-style byte-level BPE uses, and rejects
/// the parts it would otherwise silently get wrong.
/// </summary>
/// <remarks>
/// The field names and meanings are those of huggingface/tokenizers' serialized <c>Tokenizer</c>: <c>model</c>
/// (BPE: vocab, merges as "a b" strings or [a, b] pairs, dropout, unk_token, continuing_subword_prefix,
/// end_of_word_suffix, fuse_unk, byte_fallback, ignore_merges), <c>pre_tokenizer</c> (ByteLevel: add_prefix_space,
/// use_regex; trim_offsets only moves offsets, which are not produced here), <c>post_processor</c>
/// (RobertaProcessing cls/sep, TemplateProcessing's "single" template, ByteLevel, or a Sequence of those),
/// <c>added_tokens</c>, <c>normalizer</c> (must be null), <c>truncation</c> and <c>padding</c>. Runs once at load;
/// not a hot path.
/// </remarks>
internal static class TokenizerJsonReader
{
    public static TokenizerDefinition Read(Stream utf8Json, int cacheCapacity)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException("tokenizer.json is not valid JSON.", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerFormatException("tokenizer.json must hold an object.");
            }

            if (root.TryGetProperty("normalizer", out JsonElement normalizer) && normalizer.ValueKind != JsonValueKind.Null)
            {
                throw new TokenizerFormatException(
                    $"Normalizer \"{TypeOf(normalizer)}\" is not supported; byte-level BPE models such as RoBERTa have none.");
            }

            BpeModel model = ReadModel(Required(root, "model"), cacheCapacity);
            List<AddedToken> addedTokens = ReadAddedTokens(root);
            (bool addPrefixSpace, bool useRegex) = ReadPreTokenizer(root);
            (int[] prefix, int[] suffix) = ReadPostProcessor(root);

            int? maxLength = null;
            bool truncateLeft = false;
            if (root.TryGetProperty("truncation", out JsonElement truncation) && truncation.ValueKind == JsonValueKind.Object)
            {
                maxLength = Required(truncation, "max_length").GetInt32();
                truncateLeft = StringOrNull(truncation, "direction") == "Left";
            }

            int padId = FindPadId(model, addedTokens);
            int? fixedLength = null;
            int? multipleOf = null;
            bool padLeft = false;
            if (root.TryGetProperty("padding", out JsonElement padding) && padding.ValueKind == JsonValueKind.Object)
            {
                if (padding.TryGetProperty("pad_id", out JsonElement id) && id.ValueKind == JsonValueKind.Number)
                {
                    padId = id.GetInt32();
                }
                else if (StringOrNull(padding, "pad_token") is { } padToken)
                {
                    padId = FindTokenId(model, addedTokens, padToken) ?? padId;
                }

                if (padding.TryGetProperty("strategy", out JsonElement strategy) && strategy.ValueKind == JsonValueKind.Object
                    && strategy.TryGetProperty("Fixed", out JsonElement fixedValue))
                {
                    fixedLength = fixedValue.GetInt32();
                }
                else if (padding.TryGetProperty("length", out JsonElement length) && length.ValueKind == JsonValueKind.Number)
                {
                    fixedLength = length.GetInt32();
                }

                if (padding.TryGetProperty("pad_to_multiple_of", out JsonElement multiple) && multiple.ValueKind == JsonValueKind.Number)
                {
                    multipleOf = multiple.GetInt32();
                }

                padLeft = StringOrNull(padding, "direction") == "Left";
            }

            return new TokenizerDefinition
            {
                Model = model,
                AddedTokens = addedTokens,
                AddPrefixSpace = addPrefixSpace,
                UseRegex = useRegex,
                PrefixIds = prefix,
                SuffixIds = suffix,
                TruncationMaxLength = maxLength,
                TruncateLeft = truncateLeft,
                PadToFixedLength = fixedLength,
                PadToMultipleOf = multipleOf,
                PadLeft = padLeft,
                PadId = padId,
            };
        }
    }

    private static BpeModel ReadModel(JsonElement model, int cacheCapacity)
    {
        string? type = StringOrNull(model, "type");
        if (type is not null and not "BPE")
        {
            throw new TokenizerFormatException($"Model \"{type}\" is not supported; only BPE is.");
        }

        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind == JsonValueKind.Number
            && dropout.GetDouble() > 0)
        {
            // Dropout makes encoding random; an index of embeddings needs the same ids for the same text.
            throw new TokenizerFormatException("BPE dropout is not supported; it must be null.");
        }

        if (Flag(model, "byte_fallback", false))
        {
            throw new TokenizerFormatException("BPE byte_fallback (<0xNN> tokens) is not supported; byte-level BPE needs none.");
        }

        JsonElement vocabElement = Required(model, "vocab");
        if (vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException("model.vocab must be an object of token -> id.");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in vocabElement.EnumerateObject())
        {
            vocabulary[entry.Name] = entry.Value.GetInt32();
        }

        var merges = new List<(string, string)>();
        if (model.TryGetProperty("merges", out JsonElement mergesElement) && mergesElement.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement merge in mergesElement.EnumerateArray())
            {
                merges.Add(ReadMerge(merge, merges.Count));
            }
        }

        return new BpeModel(
            vocabulary,
            merges,
            StringOrNull(model, "unk_token"),
            StringOrNull(model, "continuing_subword_prefix"),
            StringOrNull(model, "end_of_word_suffix"),
            Flag(model, "fuse_unk", false),
            Flag(model, "ignore_merges", false),
            cacheCapacity);
    }

    private static (string, string) ReadMerge(JsonElement merge, int rank)
    {
        if (merge.ValueKind == JsonValueKind.String)
        {
            // The older format: "a b". Byte-level symbols never contain a space ('Ġ' stands for it).
            string text = merge.GetString()!;
            int space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && space < text.Length - 1 && text.IndexOf(' ', space + 1) < 0)
            {
                return (text[..space], text[(space + 1)..]);
            }
        }
        else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
            && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
        {
            return (merge[0].GetString()!, merge[1].GetString()!);
        }

        throw new TokenizerFormatException($"Merge {rank} is neither \"a b\" nor [\"a\", \"b\"].");
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out JsonElement added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement token in added.EnumerateArray())
            {
                tokens.Add(new AddedToken(
                    Required(token, "content").GetString()!,
                    Required(token, "id").GetInt32(),
                    Flag(token, "single_word", false),
                    Flag(token, "lstrip", false),
                    Flag(token, "rstrip", false)));
            }
        }

        return tokens;
    }

    private static (bool AddPrefixSpace, bool UseRegex) ReadPreTokenizer(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out JsonElement pre) || pre.ValueKind == JsonValueKind.Null)
        {
            throw new TokenizerFormatException("A byte-level BPE needs the ByteLevel pre_tokenizer; there is none.");
        }

        if (TypeOf(pre) == "Sequence" && pre.TryGetProperty("pretokenizers", out JsonElement list)
            && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 1)
        {
            pre = list[0];
        }

        if (TypeOf(pre) != "ByteLevel")
        {
            throw new TokenizerFormatException($"Pre-tokenizer \"{TypeOf(pre)}\" is not supported; only ByteLevel is.");
        }

        return (Flag(pre, "add_prefix_space", true), Flag(pre, "use_regex", true));
    }

    private static (int[] Prefix, int[] Suffix) ReadPostProcessor(JsonElement root)
    {
        if (!root.TryGetProperty("post_processor", out JsonElement post) || post.ValueKind == JsonValueKind.Null)
        {
            return ([], []);
        }

        return ReadProcessor(post);
    }

    private static (int[] Prefix, int[] Suffix) ReadProcessor(JsonElement post)
    {
        switch (TypeOf(post))
        {
            case "RobertaProcessing":
            case "BertProcessing":
                // cls and sep are [token, id] pairs; a single sequence becomes cls A sep.
                return ([Required(post, "cls")[1].GetInt32()], [Required(post, "sep")[1].GetInt32()]);
            case "TemplateProcessing":
                return ReadSingleTemplate(post);
            case "ByteLevel":
                return ([], []);
            case "Sequence":
                var prefix = new List<int>();
                var suffix = new List<int>();
                foreach (JsonElement processor in Required(post, "processors").EnumerateArray())
                {
                    (int[] p, int[] s) = ReadProcessor(processor);
                    prefix.AddRange(p);
                    suffix.InsertRange(0, s);
                }

                return ([.. prefix], [.. suffix]);
            default:
                throw new TokenizerFormatException($"Post-processor \"{TypeOf(post)}\" is not supported.");
        }
    }

    private static (int[] Prefix, int[] Suffix) ReadSingleTemplate(JsonElement post)
    {
        JsonElement specials = Required(post, "special_tokens");
        var prefix = new List<int>();
        var suffix = new List<int>();
        bool seenSequence = false;
        foreach (JsonElement piece in Required(post, "single").EnumerateArray())
        {
            if (piece.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
            }
            else if (piece.TryGetProperty("SpecialToken", out JsonElement special))
            {
                string name = Required(special, "id").GetString()!;
                if (!specials.TryGetProperty(name, out JsonElement definition))
                {
                    throw new TokenizerFormatException($"Template token \"{name}\" is not in special_tokens.");
                }

                foreach (JsonElement id in Required(definition, "ids").EnumerateArray())
                {
                    (seenSequence ? suffix : prefix).Add(id.GetInt32());
                }
            }
        }

        if (!seenSequence)
        {
            throw new TokenizerFormatException("TemplateProcessing's single template has no $A sequence.");
        }

        return ([.. prefix], [.. suffix]);
    }

    private static int FindPadId(BpeModel model, List<AddedToken> addedTokens) =>
        FindTokenId(model, addedTokens, "<pad>") ?? 0;

    private static int? FindTokenId(BpeModel model, List<AddedToken> addedTokens, string content)
    {
        foreach (AddedToken token in addedTokens)
        {
            if (token.Content == content)
            {
                return token.Id;
            }
        }

        return model.TryGetId(content, out int id) ? id : null;
    }

    private static JsonElement Required(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new TokenizerFormatException($"tokenizer.json lacks \"{name}\".");

    private static string? StringOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement element, string name, bool fallback) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : fallback;

    private static string TypeOf(JsonElement element) => StringOrNull(element, "type") ?? "(no type)";
}
