using System.Collections.Concurrent;

namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// The BPE model of a <c>tokenizer.json</c>: turns one pre-tokenized word (byte-level symbols) into token ids by
/// applying merges by rank.
/// </summary>
/// <remarks>
/// Follows huggingface/tokenizers <c>models/bpe/model.rs</c> and <c>models/bpe/word.rs</c>:
/// <list type="bullet">
/// <item>A word starts as one symbol per char; every char but the first carries <c>continuing_subword_prefix</c>,
/// the last carries <c>end_of_word_suffix</c>. A symbol missing from the vocabulary becomes <c>unk_token</c>
/// (consecutive ones fused into one when <c>fuse_unk</c>), or is dropped when there is no unk token (the library
/// fails there; a byte-level vocabulary holds all 256 symbols, so only a broken file gets that far).</item>
/// <item>The merge of "a b" has rank = its index in <c>merges</c> and yields the token a + b without b's
/// continuing prefix. While any adjacent pair has a merge, the pair of lowest rank is merged, the leftmost one on a
/// tie: the library's priority queue of (rank, position), with entries made stale by earlier merges skipped.</item>
/// <item><c>ignore_merges</c>: a word that is itself in the vocabulary is taken whole.</item>
/// <item>The word cache: results of words up to <see cref="MaxCachedWordChars"/> chars are kept, until the cache
/// holds <c>cacheCapacity</c> words; after that it stops growing (the library's cache also refuses inserts when
/// full rather than evicting), which bounds memory whatever text comes in.</item>
/// </list>
/// Thread-safe: the vocabulary and merges are read-only, the cache is concurrent.
/// </remarks>
internal sealed class BpeModel
{
    /// <summary>The library's default word cache capacity.</summary>
    public const int DefaultCacheCapacity = 10_000;

    /// <summary>Longer words are rare and would make the bounded cache hold a lot of text.</summary>
    public const int MaxCachedWordChars = 256;

    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabularyBySpan;
    private readonly Dictionary<long, MergeTarget> _merges;
    private readonly ConcurrentDictionary<string, int[]> _cache;
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private readonly int _cacheCapacity;
    private readonly int _unknownId;
    private readonly string _continuingSubwordPrefix;
    private readonly string _endOfWordSuffix;
    private readonly bool _fuseUnknown;
    private readonly bool _ignoreMerges;
    private int _cacheCount;

    public BpeModel(
        Dictionary<string, int> vocabulary,
        IReadOnlyList<(string Left, string Right)> merges,
        string? unknownToken,
        string? continuingSubwordPrefix,
        string? endOfWordSuffix,
        bool fuseUnknown,
        bool ignoreMerges,
        int cacheCapacity = DefaultCacheCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        _vocabulary = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        _vocabularyBySpan = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuingSubwordPrefix = continuingSubwordPrefix ?? string.Empty;
        _endOfWordSuffix = endOfWordSuffix ?? string.Empty;
        _fuseUnknown = fuseUnknown;
        _ignoreMerges = ignoreMerges;
        _cacheCapacity = cacheCapacity;
        _cache = new ConcurrentDictionary<string, int[]>(StringComparer.Ordinal);
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();

        _unknownId = -1;
        if (!string.IsNullOrEmpty(unknownToken))
        {
            if (!_vocabulary.TryGetValue(unknownToken, out _unknownId))
            {
                throw new TokenizerFormatException($"The unk_token \"{unknownToken}\" is not in the vocabulary.");
            }
        }

        _merges = new Dictionary<long, MergeTarget>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            (string left, string right) = merges[rank];
            int leftId = IdOf(left, rank);
            int rightId = IdOf(right, rank);
            string rightBody = right.StartsWith(_continuingSubwordPrefix, StringComparison.Ordinal)
                ? right[_continuingSubwordPrefix.Length..]
                : right;
            int mergedId = IdOf(left + rightBody, rank);

            // A repeated pair keeps its first (lowest) rank.
            _merges.TryAdd(PairKey(leftId, rightId), new MergeTarget(rank, mergedId));
        }
    }

    /// <summary>Words now in the cache; never above the capacity given at construction.</summary>
    internal int CachedWordCount => Volatile.Read(ref _cacheCount);

    public bool TryGetId(string token, out int id) => _vocabulary.TryGetValue(token, out id);

    /// <summary>Appends the ids of one word, given as byte-level symbols.</summary>
    public void AppendWord(ReadOnlySpan<char> word, ref TokenIdBuffer output)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (_cacheBySpan.TryGetValue(word, out int[]? cached))
        {
            output.AddRange(cached);
            return;
        }

        int[] ids = Tokenize(word);
        output.AddRange(ids);
        if (word.Length <= MaxCachedWordChars && Volatile.Read(ref _cacheCount) < _cacheCapacity
            && _cache.TryAdd(word.ToString(), ids))
        {
            Interlocked.Increment(ref _cacheCount);
        }
    }

    private int[] Tokenize(ReadOnlySpan<char> word)
    {
        if (_ignoreMerges && _vocabularyBySpan.TryGetValue(word, out int wholeId))
        {
            return [wholeId];
        }

        var symbols = new Symbol[word.Length];
        int count = InitialSymbols(word, symbols);
        if (count > 1)
        {
            ApplyMerges(symbols, count);
        }

        int alive = 0;
        for (int i = 0; i < count; i++)
        {
            if (symbols[i].Alive)
            {
                alive++;
            }
        }

        var ids = new int[alive];
        int written = 0;
        for (int i = 0; i < count; i++)
        {
            if (symbols[i].Alive)
            {
                ids[written++] = symbols[i].Id;
            }
        }

        return ids;
    }

    private int InitialSymbols(ReadOnlySpan<char> word, Symbol[] symbols)
    {
        bool plain = _continuingSubwordPrefix.Length == 0 && _endOfWordSuffix.Length == 0;
        Span<char> one = stackalloc char[1];
        int count = 0;
        bool previousUnknown = false;
        for (int i = 0; i < word.Length; i++)
        {
            one[0] = word[i];
            int id;
            bool found = plain
                ? _vocabularyBySpan.TryGetValue(one, out id)
                : _vocabulary.TryGetValue(Decorate(word[i], i == 0, i == word.Length - 1), out id);
            if (!found)
            {
                if (_unknownId < 0 || (_fuseUnknown && previousUnknown))
                {
                    continue;
                }

                id = _unknownId;
                previousUnknown = true;
            }
            else
            {
                previousUnknown = false;
            }

            symbols[count] = new Symbol(id, count - 1, count + 1);
            count++;
        }

        if (count > 0)
        {
            symbols[count - 1].Next = -1;
        }

        return count;
    }

    private string Decorate(char symbol, bool first, bool last) =>
        string.Concat(first ? string.Empty : _continuingSubwordPrefix, symbol.ToString(), last ? _endOfWordSuffix : string.Empty);

    private void ApplyMerges(Symbol[] symbols, int count)
    {
        // Priority = rank in the high half, position in the low half: lowest rank first, leftmost on a tie.
        var queue = new PriorityQueue<int, long>(count);
        for (int i = 0; i + 1 < count; i++)
        {
            Enqueue(queue, symbols, i);
        }

        while (queue.TryDequeue(out int position, out long priority))
        {
            ref Symbol left = ref symbols[position];
            if (!left.Alive || left.Next < 0)
            {
                continue;
            }

            int rightPosition = left.Next;
            if (!_merges.TryGetValue(PairKey(left.Id, symbols[rightPosition].Id), out MergeTarget target)
                || target.Rank != (int)(priority >> 32))
            {
                continue; // stale: one side was merged into something else since this pair was queued
            }

            left.Id = target.MergedId;
            left.Next = symbols[rightPosition].Next;
            symbols[rightPosition].Alive = false;
            if (left.Next >= 0)
            {
                symbols[left.Next].Previous = position;
            }

            if (left.Previous >= 0)
            {
                Enqueue(queue, symbols, left.Previous);
            }

            Enqueue(queue, symbols, position);
        }
    }

    private void Enqueue(PriorityQueue<int, long> queue, Symbol[] symbols, int position)
    {
        int next = symbols[position].Next;
        if (next >= 0 && _merges.TryGetValue(PairKey(symbols[position].Id, symbols[next].Id), out MergeTarget target))
        {
            queue.Enqueue(position, ((long)target.Rank << 32) | (uint)position);
        }
    }

    private int IdOf(string token, int rank) =>
        _vocabulary.TryGetValue(token, out int id)
            ? id
            : throw new TokenizerFormatException($"Merge {rank} uses \"{token}\", which is not in the vocabulary.");

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private readonly record struct MergeTarget(int Rank, int MergedId);

    private struct Symbol(int id, int previous, int next)
    {
        public int Id = id;
        public int Previous = previous;
        public int Next = next;
        public bool Alive = true;
    }
}
