namespace AudioFunctions.Indexing;

internal sealed partial class HnswPartition
{
    /// <summary>
    /// Links a published node into the graph (Malkov &amp; Yashunin, algorithm 1): greedy descent from the
    /// entry point to the node's level, then on each level down to 0 a beam search of width efConstruction
    /// and a heuristic choice of neighbours (up to 2·M on level 0, M above, as faiss and usearch do), each
    /// of which links back (pruned by the same heuristic when full). A node above the current top level holds the entry lock for its whole insert, as it will
    /// become the entry point; other inserts run in parallel.
    /// </summary>
    private void Link(int node)
    {
        var level = (int)_levels.Row(node)[0];
        var entry = Volatile.Read(ref _entry);
        var raise = entry == EmptyEntry || level > EntryLevel(entry);
        if (raise)
            Monitor.Enter(_entryLock);
        try
        {
            entry = Volatile.Read(ref _entry);
            if (entry == EmptyEntry)
            {
                Volatile.Write(ref _entry, PackEntry(node, level));
                return;
            }
            var entryLevel = EntryLevel(entry);
            var scratch = HnswScratch.Current;
            var query = scratch.NodeVector(Dimensions);
            _vectors.Row(node).CopyTo(query);
            var scorer = new FloatScorer(this, query);
            var current = EntryNode(entry);
            var currentScore = scorer.Score(current);
            for (var l = entryLevel; l > level; l--)
                Greedy(ref scorer, ref current, ref currentScore, l, scratch);

            Span<int> chosen = stackalloc int[MaxLinks0];
            Span<float> chosenScores = stackalloc float[MaxLinks0];
            var filter = NodeFilter.AdmitAll(node);
            for (var l = Math.Min(level, entryLevel); l >= 0; l--)
            {
                SearchLayer(ref scorer, current, currentScore, _settings.EfConstruction, l, filter, scratch);
                var found = DrainBestFirst(scratch.Results, scratch);
                if (found == 0)
                    continue;
                current = scratch.SelectionNodes[0];
                currentScore = scratch.SelectionScores[0];
                var keep = SelectNeighbours(scratch.SelectionNodes, scratch.SelectionScores, found, l == 0 ? MaxLinks0 : M);
                scratch.SelectionNodes.AsSpan(0, keep).CopyTo(chosen);
                scratch.SelectionScores.AsSpan(0, keep).CopyTo(chosenScores);
                SetLinks(node, l, chosen[..keep]);
                for (var i = 0; i < keep; i++)
                    AddLink(chosen[i], node, l, chosenScores[i], scratch);
            }
            if (level > entryLevel)
                Volatile.Write(ref _entry, PackEntry(node, level));
        }
        finally
        {
            if (raise)
                Monitor.Exit(_entryLock);
        }
    }

    /// <summary>
    /// The neighbour heuristic (algorithm 4, without extension or pruned-fill, as hnswlib): walking
    /// candidates best first, keep one only if it is closer to the base than to every one kept so far, so
    /// links spread over directions instead of crowding one cluster. Candidates are sorted best first;
    /// the kept ones are moved to the front. Returns how many were kept.
    /// </summary>
    private int SelectNeighbours(int[] nodes, float[] scores, int count, int keep)
    {
        if (count <= keep)
            return count;
        var kept = 0;
        for (var i = 0; i < count && kept < keep; i++)
        {
            var candidate = _vectors.Row(nodes[i]);
            var good = true;
            for (var j = 0; j < kept; j++)
            {
                if (VectorDot.Dot(candidate, _vectors.Row(nodes[j])) > scores[i])
                {
                    good = false;
                    break;
                }
            }
            if (good)
            {
                nodes[kept] = nodes[i];
                scores[kept] = scores[i];
                kept++;
            }
        }
        return kept;
    }

    /// <summary>Empties a result heap into the selection buffers, best first; returns the count.</summary>
    private static int DrainBestFirst(NodeHeap results, HnswScratch scratch)
    {
        var count = results.Count;
        scratch.EnsureSelection(count + 1);
        for (var i = count - 1; i >= 0; i--)
        {
            scratch.SelectionNodes[i] = results.TopNode;
            scratch.SelectionScores[i] = results.TopScore;
            results.Pop();
        }
        return count;
    }

    private void SetLinks(int node, int level, ReadOnlySpan<int> neighbours)
    {
        ref var version = ref LockLinks(node);
        try
        {
            var list = LinkList(node, level);
            neighbours.CopyTo(list[1..]);
            list[0] = neighbours.Length;
        }
        finally
        {
            Volatile.Write(ref version, version + 1);
        }
    }

    /// <summary>Adds <paramref name="newNode"/> to <paramref name="target"/>'s list, pruning a full list by the heuristic.</summary>
    private void AddLink(int target, int newNode, int level, float score, HnswScratch scratch)
    {
        var capacity = level == 0 ? MaxLinks0 : M;
        ref var version = ref LockLinks(target);
        try
        {
            var list = LinkList(target, level);
            var count = list[0];
            if (list.Slice(1, count).Contains(newNode))
                return;
            if (count < capacity)
            {
                list[1 + count] = newNode;
                list[0] = count + 1;
                return;
            }
            scratch.EnsureSelection(capacity + 1);
            var nodes = scratch.SelectionNodes;
            var scores = scratch.SelectionScores;
            var targetVector = _vectors.Row(target);
            var filled = 0;
            InsertSorted(nodes, scores, ref filled, newNode, score);
            for (var i = 1; i <= count; i++)
                InsertSorted(nodes, scores, ref filled, list[i], VectorDot.Dot(targetVector, _vectors.Row(list[i])));
            var keep = SelectNeighbours(nodes, scores, filled, capacity);
            nodes.AsSpan(0, keep).CopyTo(list[1..]);
            list[0] = keep;
        }
        finally
        {
            Volatile.Write(ref version, version + 1);
        }
    }

    private static void InsertSorted(int[] nodes, float[] scores, ref int count, int node, float score)
    {
        var i = count++;
        while (i > 0 && scores[i - 1] < score)
        {
            nodes[i] = nodes[i - 1];
            scores[i] = scores[i - 1];
            i--;
        }
        nodes[i] = node;
        scores[i] = score;
    }

    /// <summary>Takes the node's link lock: its sequence number goes from even to odd.</summary>
    private ref int LockLinks(int node)
    {
        ref var version = ref _linkVersions.First(node);
        var spinner = new SpinWait();
        while (true)
        {
            var seen = Volatile.Read(ref version);
            if ((seen & 1) == 0 && Interlocked.CompareExchange(ref version, seen + 1, seen) == seen)
                return ref version;
            spinner.SpinOnce();
        }
    }

    /// <summary>The node's list on <paramref name="level"/>: [count, neighbour…].</summary>
    private Span<int> LinkList(int node, int level) =>
        level == 0 ? _links0.Row(node) : _upperLinks.Row(node)[0].AsSpan((level - 1) * _upperStride, _upperStride);

    /// <summary>
    /// Copies the node's list on <paramref name="level"/> into <paramref name="destination"/> (seqlock read:
    /// retried while a writer holds it or if one wrote during the copy). Returns the neighbour count.
    /// </summary>
    private int ReadLinks(int node, int level, int[] destination)
    {
        if (level > _levels.Row(node)[0])
            return 0;
        ref var version = ref _linkVersions.First(node);
        var list = LinkList(node, level);
        var spinner = new SpinWait();
        while (true)
        {
            var before = Volatile.Read(ref version);
            if ((before & 1) == 0)
            {
                var count = Math.Min(list[0], list.Length - 1);
                list.Slice(1, count).CopyTo(destination);
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref version) == before)
                    return count;
            }
            spinner.SpinOnce();
        }
    }

    private static long PackEntry(int node, int level) => ((long)level << 32) | (uint)node;

    private static int EntryLevel(long entry) => (int)(entry >> 32);

    private static int EntryNode(long entry) => (int)entry;
}
