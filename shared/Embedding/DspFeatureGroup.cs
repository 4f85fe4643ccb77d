namespace AudioFunctions.Embedding;

/// <summary>
/// A run of dimensions of the DSP embedding holding one kind of feature. Its values are standardised to order 1,
/// clamped to ±<see cref="DspLayout.ClampLimit"/> and multiplied by <see cref="Weight"/> / √<see cref="Length"/>,
/// so the group's share of the squared norm is about Weight², whatever its length.
/// </summary>
internal readonly record struct DspFeatureGroup(string Name, int Offset, int Length, float Weight)
{
    public int End => Offset + Length;

    public float Scale => Weight / MathF.Sqrt(Length);

    public Span<float> Of(Span<float> embedding) => embedding.Slice(Offset, Length);
}
