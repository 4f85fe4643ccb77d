namespace AudioFunctions.Audio;

/// <summary>
/// Everything a <see cref="Resampler"/> needs to carry on a stream where it stopped: serialize it
/// (System.Text.Json, default options, round-trips exactly) and pass it to
/// <see cref="Resampler(ResamplerState)"/>, in this process or a later one.
/// </summary>
/// <param name="InputRateHz">The stream's input rate.</param>
/// <param name="OutputRateHz">The rate written.</param>
/// <param name="InputSamples">Input samples consumed since the stream began.</param>
/// <param name="OutputSamples">Output samples written since the stream began.</param>
/// <param name="History">
/// The last taps − 1 input samples (zeros standing in for samples before the stream's start): the
/// left-hand filter taps of outputs not yet written: 175 floats from 44.1 kHz, 351 from 96 kHz and
/// 1,391 from 384 kHz (into 48 kHz); empty when the rates are equal.
/// </param>
/// <param name="Flushed">True once <see cref="Resampler.Flush"/> has ended the stream.</param>
public sealed record ResamplerState(
    int InputRateHz,
    int OutputRateHz,
    long InputSamples,
    long OutputSamples,
    float[] History,
    bool Flushed);
