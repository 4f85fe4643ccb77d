namespace AudioFunctions.Embedding;

/// <summary>
/// Folds spectrum bins into the 12 pitch classes (C = 0 … B = 11, A4 = 440 Hz): a bin of frequency f has the
/// fractional MIDI pitch q = 69 + 12·log2(f / 440) and gives its power to classes ⌊q⌋ and ⌊q⌋ + 1 (mod 12) in
/// proportion to closeness. Only bins between the given limits count, where a bin is about a semitone or narrower.
/// </summary>
internal sealed class ChromaFilterBank
{
    public const int PitchClasses = 12;

    private readonly int _firstBin;
    private readonly byte[] _lowerClass;
    private readonly float[] _upperWeight; // weight of the upper class; the lower one gets 1 − this

    public ChromaFilterBank(int fftSize, double sampleRateHz, double minHz, double maxHz)
    {
        var binHz = sampleRateHz / fftSize;
        _firstBin = (int)Math.Ceiling(minHz / binHz);
        var lastBin = Math.Min(fftSize / 2, (int)Math.Floor(maxHz / binHz));
        var count = Math.Max(0, lastBin - _firstBin + 1);
        _lowerClass = new byte[count];
        _upperWeight = new float[count];
        for (var i = 0; i < count; i++)
        {
            var pitch = 69 + 12 * Math.Log2((_firstBin + i) * binHz / 440);
            var lower = Math.Floor(pitch);
            _lowerClass[i] = (byte)(((int)lower % PitchClasses + PitchClasses) % PitchClasses);
            _upperWeight[i] = (float)(pitch - lower);
        }
    }

    /// <summary>Writes the 12 class energies of <paramref name="power"/>, scaled so the largest is 1 (all 0 if none).</summary>
    public void Apply(ReadOnlySpan<float> power, Span<float> chroma)
    {
        chroma[..PitchClasses].Clear();
        var bins = power.Slice(_firstBin, _lowerClass.Length);
        for (var i = 0; i < bins.Length; i++)
        {
            var lower = _lowerClass[i];
            var upper = lower == PitchClasses - 1 ? 0 : lower + 1;
            var share = bins[i] * _upperWeight[i];
            chroma[lower] += bins[i] - share;
            chroma[upper] += share;
        }
        var max = 0f;
        for (var c = 0; c < PitchClasses; c++)
            max = Math.Max(max, chroma[c]);
        if (max > 0)
            for (var c = 0; c < PitchClasses; c++)
                chroma[c] /= max;
    }
}
