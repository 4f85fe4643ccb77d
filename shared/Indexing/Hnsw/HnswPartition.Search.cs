namespace AudioFunctions.Indexing;

internal sealed partial class HnswPartition
{
    internal ReadOnlySpan<float> VectorRow(int node) => _vectors.Row(node);

    internal float CodeScale(int node) => _codeScales!.First(node);

    internal ReadOnlySpan<sbyte> CodeRow(int node) => _codes!.Row(node);

    /// <summary>
    /// The k best live tracks that pass <paramref name="filter"/> for a unit query. Chooses, in order: an
    /// exact scan when the partition is small; an exact scan of the smallest posting list when the
    /// filter's terms match few tracks; otherwise a graph walk that admits only passing nodes to its
    /// results, falling back to the exact scan if it found fewer than k (so a filter never costs results).
    /// </summary>
    public SearchHit[] Search(float[] unitQuery, int k, SearchFilter filter, int efSearch)
    {
        var live = Count;
        if (live == 0 || !TryCompile(filter, out var nodeFilter))
            return [];
        if (live < _settings.ExactBelow)
            return ScanAll(unitQuery, k, nodeFilter);

        ReadOnlySpan<int> postings = default;
        if (nodeFilter.HasTerms)
        {
            postings = SmallestPostings(nodeFilter);
            if (postings.Length <= _settings.FilteredExactBelow)
                return ScanNodes(unitQuery, k, nodeFilter, postings);
        }

        var hits = WalkGraph(unitQuery, k, nodeFilter, efSearch);
        if (hits.Length >= k || (!nodeFilter.IsSelective && hits.Length >= live))
            return hits;
        return nodeFilter.HasTerms ? ScanNodes(unitQuery, k, nodeFilter, postings) : ScanAll(unitQuery, k, nodeFilter);
    }

    private SearchHit[] WalkGraph(float[] unitQuery, int k, in NodeFilter filter, int efSearch)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry == EmptyEntry)
            return [];
        var scratch = HnswScratch.Current;
        var ef = Math.Max(efSearch, Math.Min(k, NodeCount));
        if (_codes is null)
        {
            var scorer = new FloatScorer(this, unitQuery);
            Walk(ref scorer, entry, ef, filter, scratch);
        }
        else
        {
            scratch.EnsureQuery(Dimensions);
            var scale = Int8Codes.EncodeWide(unitQuery.AsSpan(0, Dimensions), scratch.WideQuery, scratch.QueryCodes);
            var scorer = new Int8Scorer(this, scratch.WideQuery, scale);
            Walk(ref scorer, entry, ef, filter, scratch);
        }

        // int8 estimates are re-scored on float32 before choosing the best k (+ margin); RankedNodes then
        // recomputes the final scores exactly as the exact index does.
        var results = scratch.Results;
        var ranked = new RankedNodes(this, Math.Min(k, results.Count) + RankedNodes.Margin);
        try
        {
            var query = unitQuery.AsSpan(0, Dimensions);
            var nodes = results.Nodes;
            var scores = results.Scores;
            for (var i = 0; i < nodes.Length; i++)
                ranked.Offer(_codes is null ? scores[i] : VectorDot.Dot(query, _vectors.Row(nodes[i])), nodes[i]);
            return ranked.DrainBestFirst(k, query);
        }
        finally
        {
            ranked.Dispose();
        }
    }

    private void Walk<TScorer>(ref TScorer scorer, long entry, int ef, in NodeFilter filter, HnswScratch scratch)
        where TScorer : struct, INodeScorer
    {
        var current = EntryNode(entry);
        var currentScore = scorer.Score(current);
        for (var level = EntryLevel(entry); level > 0; level--)
            Greedy(ref scorer, ref current, ref currentScore, level, scratch);
        SearchLayer(ref scorer, current, currentScore, ef, 0, filter, scratch);
    }

    /// <summary>Greedy descent on one level: move to the best neighbour until none improves (ef = 1).</summary>
    private void Greedy<TScorer>(ref TScorer scorer, ref int current, ref float currentScore, int level, HnswScratch scratch)
        where TScorer : struct, INodeScorer
    {
        scratch.EnsureLinks(1 + MaxLinks0);
        var links = scratch.Links;
        var changed = true;
        while (changed)
        {
            changed = false;
            var count = ReadLinks(current, level, links);
            for (var i = 0; i < count; i++)
            {
                var score = scorer.Score(links[i]);
                if (score > currentScore)
                {
                    currentScore = score;
                    current = links[i];
                    changed = true;
                }
            }
        }
    }

    /// <summary>
    /// Beam search on one level (algorithm 2) leaving the best <paramref name="ef"/> admitted nodes in
    /// scratch.Results (a min-heap: root = worst). Nodes the filter rejects are still expanded, so the walk
    /// crosses regions of non-matching tracks; it stops when the best unexpanded candidate is worse than
    /// the worst of ef admitted results.
    /// </summary>
    private void SearchLayer<TScorer>(ref TScorer scorer, int entry, float entryScore, int ef, int level, in NodeFilter filter, HnswScratch scratch)
        where TScorer : struct, INodeScorer
    {
        var visited = scratch.Visited;
        var candidates = scratch.Candidates;
        var results = scratch.Results;
        visited.Reset(NodeCount);
        candidates.Clear();
        results.Clear();
        scratch.EnsureLinks(1 + MaxLinks0);
        var links = scratch.Links;

        if (filter.Self >= 0)
            visited.TryVisit(filter.Self);
        visited.TryVisit(entry);
        candidates.Push(-entryScore, entry);
        if (Admits(filter, entry))
            results.Push(entryScore, entry);

        while (candidates.Count > 0)
        {
            var score = -candidates.TopScore;
            var node = candidates.TopNode;
            if (results.Count >= ef && score < results.TopScore)
                break;
            candidates.Pop();
            var count = ReadLinks(node, level, links);
            for (var i = 0; i < count; i++)
            {
                var neighbour = links[i];
                if (!visited.TryVisit(neighbour))
                    continue;
                var neighbourScore = scorer.Score(neighbour);
                if (results.Count < ef || neighbourScore > results.TopScore)
                {
                    candidates.Push(-neighbourScore, neighbour);
                    if (!Admits(filter, neighbour))
                        continue;
                    if (results.Count < ef)
                        results.Push(neighbourScore, neighbour);
                    else
                        results.ReplaceTop(neighbourScore, neighbour);
                }
            }
        }
    }

    private SearchHit[] ScanAll(float[] unitQuery, int k, in NodeFilter filter)
    {
        var count = NodeCount;
        var ranked = new RankedNodes(this, Math.Min(k, count) + RankedNodes.Margin);
        try
        {
            var query = unitQuery.AsSpan(0, Dimensions);
            for (var node = 0; node < count; node++)
                if (Admits(filter, node))
                    ranked.Offer(VectorDot.Dot(query, _vectors.Row(node)), node);
            return ranked.DrainBestFirst(k, query);
        }
        finally
        {
            ranked.Dispose();
        }
    }

    private SearchHit[] ScanNodes(float[] unitQuery, int k, in NodeFilter filter, ReadOnlySpan<int> nodes)
    {
        var ranked = new RankedNodes(this, Math.Min(k, nodes.Length) + RankedNodes.Margin);
        try
        {
            var query = unitQuery.AsSpan(0, Dimensions);
            foreach (var node in nodes)
                if (Admits(filter, node))
                    ranked.Offer(VectorDot.Dot(query, _vectors.Row(node)), node);
            return ranked.DrainBestFirst(k, query);
        }
        finally
        {
            ranked.Dispose();
        }
    }

    private bool Admits(in NodeFilter filter, int node)
    {
        if (node == filter.Self)
            return false;
        if (filter.AdmitDeleted)
            return true;
        if (Volatile.Read(ref _deleted.First(node)) != 0)
            return false;
        if (filter.ExcludedIds is { } excluded && excluded.Contains(TrackIdOf(node)))
            return false;
        return !filter.HasTerms || Volatile.Read(ref _fieldSets)[_fieldSetIds.First(node)].Matches(filter.Album, filter.Artist, filter.Genre);
    }

    /// <summary>The shortest posting list among the filter's constrained terms: a superset of the matches.</summary>
    private ReadOnlySpan<int> SmallestPostings(NodeFilter filter)
    {
        ReadOnlySpan<int> smallest = default;
        var any = false;
        Consider(ref smallest, ref any, Volatile.Read(ref _albumPostings), filter.Album);
        Consider(ref smallest, ref any, Volatile.Read(ref _artistPostings), filter.Artist);
        Consider(ref smallest, ref any, Volatile.Read(ref _genrePostings), filter.Genre);
        return smallest;

        static void Consider(ref ReadOnlySpan<int> smallest, ref bool any, TermPostings?[] table, int term)
        {
            if (term == FilterTermTable.NoTerm)
                return;
            var postings = Postings(table, term);
            if (!any || postings.Length < smallest.Length)
                smallest = postings;
            any = true;
        }
    }

    private static ReadOnlySpan<int> Postings(TermPostings?[] table, int term) =>
        term < table.Length && Volatile.Read(ref table[term]) is { } postings ? postings.Snapshot() : default;

    /// <summary>Resolves the filter's terms; false when a constrained value occurs in no track.</summary>
    private bool TryCompile(SearchFilter filter, out NodeFilter compiled)
    {
        compiled = default;
        int album, artist, genre;
        lock (_terms)
        {
            if (!_terms.TryResolve(filter.Artist, out artist)
                || !_terms.TryResolve(filter.Album, out album)
                || !_terms.TryResolve(filter.Genre, out genre))
                return false;
        }
        compiled = NodeFilter.Live(album, artist, genre, filter.ExcludeIds is { Count: > 0 } ids ? ids : null);
        return true;
    }
}
