namespace AudioFunctions.Wire;

/// <summary>
/// Detects duplicate map keys while a map is being built. Small maps (the usual request body) are checked by a linear
/// scan of the entries so far; past <see cref="LinearLimit"/> entries a hash set takes over so a hostile map with many
/// keys costs O(n), not O(n²).
/// </summary>
internal struct MapKeyTracker
{
    private const int LinearLimit = 8;

    private HashSet<string>? _seen;

    /// <summary>Records <paramref name="key"/>; false if it equals (ordinally) a key in <paramref name="previous"/>.</summary>
    /// <param name="previous">Every entry added so far, in order; the tracker keeps no copy of them.</param>
    /// <param name="key">The key of the entry about to be added.</param>
    public bool TryAdd(ReadOnlySpan<KeyValuePair<string, WireValue>> previous, string key)
    {
        if (_seen is null)
        {
            if (previous.Length < LinearLimit)
            {
                for (int i = 0; i < previous.Length; i++)
                {
                    if (string.Equals(previous[i].Key, key, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            }

            _seen = new HashSet<string>(previous.Length * 2, StringComparer.Ordinal);
            for (int i = 0; i < previous.Length; i++)
            {
                _seen.Add(previous[i].Key);
            }
        }

        return _seen.Add(key);
    }
}
