namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// A batch of encoded texts as a text model takes it: two row-major <c>[BatchSize, SequenceLength]</c> int64 tensors.
/// Row <c>i</c> is text <c>i</c> of the batch; padding positions hold the pad id in <see cref="InputIds"/> and 0 in
/// <see cref="AttentionMask"/>, every real token (special tokens included) has mask 1.
/// </summary>
public sealed class TokenBatch
{
    internal TokenBatch(int batchSize, int sequenceLength, long[] inputIds, long[] attentionMask)
    {
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        InputIds = inputIds;
        AttentionMask = attentionMask;
    }

    public int BatchSize { get; }

    /// <summary>Tokens per row after padding; the same for every row.</summary>
    public int SequenceLength { get; }

    /// <summary>Token ids, <c>BatchSize * SequenceLength</c> values, row-major. Owned by this batch.</summary>
    public long[] InputIds { get; }

    /// <summary>1 for a real token, 0 for padding; same shape as <see cref="InputIds"/>.</summary>
    public long[] AttentionMask { get; }

    /// <summary>The ids of one row, padding included.</summary>
    public ReadOnlySpan<long> InputIdsRow(int row) => InputIds.AsSpan(RowStart(row), SequenceLength);

    /// <summary>The attention mask of one row.</summary>
    public ReadOnlySpan<long> AttentionMaskRow(int row) => AttentionMask.AsSpan(RowStart(row), SequenceLength);

    private int RowStart(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, BatchSize);
        return row * SequenceLength;
    }
}
