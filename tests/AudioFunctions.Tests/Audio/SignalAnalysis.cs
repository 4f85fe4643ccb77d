using AudioFunctions.Audio;

namespace AudioFunctions.Tests.Audio;

/// <summary>Test signals for the audio stages, and the measurements their tests make.</summary>
public static class SignalAnalysis
{
    /// <summary>The fit of a sine of known frequency to a signal, by least squares.</summary>
    /// <param name="Amplitude">The fitted sine's peak amplitude.</param>
    /// <param name="PhaseRadians">Its phase at sample 0 of the signal: a·sin(2πft + φ).</param>
    /// <param name="SnrDb">Fitted sine energy over residual energy, in dB (∞ for an exact fit).</param>
    public readonly record struct SineFit(double Amplitude, double PhaseRadians, double SnrDb);

    /// <summary>amplitude · sin(2π f n / rate + phase) for n = 0 … samples − 1.</summary>
    public static float[] Sine(double frequencyHz, int rateHz, int samples, double amplitude = 0.5, double phaseRadians = 0)
    {
        var signal = new float[samples];
        for (var n = 0; n < samples; n++)
            signal[n] = (float)(amplitude * Math.Sin(2 * Math.PI * frequencyHz * n / rateHz + phaseRadians));
        return signal;
    }

    /// <summary>A sine plus uniform noise: broadband content that exercises every filter tap.</summary>
    public static float[] SineWithNoise(int rateHz, int samples, int seed)
    {
        var random = new Random(seed);
        var signal = Sine(997, rateHz, samples, 0.4);
        for (var n = 0; n < signal.Length; n++)
            signal[n] += (float)((random.NextDouble() - 0.5) * 0.2);
        return signal;
    }

    /// <summary>
    /// Fits a·sin(ωn) + b·cos(ωn), ω = 2πf/rate with n counted from the start of
    /// <paramref name="signal"/>, over samples [start, start + count), and compares the residual's
    /// energy with the fitted sine's. No DC term: a DC offset counts as error.
    /// </summary>
    public static SineFit FitSine(ReadOnlySpan<float> signal, double frequencyHz, int rateHz, int start, int count)
    {
        var omega = 2 * Math.PI * frequencyHz / rateHz;
        double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0;
        for (var n = start; n < start + count; n++)
        {
            double s = Math.Sin(omega * n), c = Math.Cos(omega * n), x = signal[n];
            ss += s * s;
            sc += s * c;
            cc += c * c;
            xs += x * s;
            xc += x * c;
        }
        var determinant = ss * cc - sc * sc;
        var a = (xs * cc - xc * sc) / determinant;
        var b = (xc * ss - xs * sc) / determinant;

        double fitted = 0, residual = 0;
        for (var n = start; n < start + count; n++)
        {
            var model = a * Math.Sin(omega * n) + b * Math.Cos(omega * n);
            fitted += model * model;
            var error = signal[n] - model;
            residual += error * error;
        }
        return new SineFit(Math.Sqrt(a * a + b * b), Math.Atan2(b, a), 10 * Math.Log10(fitted / residual));
    }

    /// <summary>
    /// The frequency of a sine near <paramref name="nominalHz"/>: the nominal frequency plus the drift
    /// of the fitted phase between two halves of [start, start + count).
    /// </summary>
    public static double MeasureFrequency(ReadOnlySpan<float> signal, double nominalHz, int rateHz, int start, int count)
    {
        var half = count / 2;
        var first = FitSine(signal, nominalHz, rateHz, start, half);
        var second = FitSine(signal, nominalHz, rateHz, start + half, half);
        var drift = Math.IEEERemainder(second.PhaseRadians - first.PhaseRadians, 2 * Math.PI);
        return nominalHz + drift / (2 * Math.PI * half / rateHz);
    }

    public static double Rms(ReadOnlySpan<float> signal)
    {
        var sum = 0.0;
        foreach (var x in signal)
            sum += (double)x * x;
        return Math.Sqrt(sum / signal.Length);
    }

    /// <summary>20·log10 of an amplitude ratio.</summary>
    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    /// <summary>A whole signal through a new resampler in one call, then flushed.</summary>
    public static float[] ResampleAll(ReadOnlySpan<float> input, int inputRateHz, int outputRateHz = AudioWindow.SampleRateHz)
    {
        var resampler = new Resampler(inputRateHz, outputRateHz);
        var output = new float[resampler.MaxOutputSamples(input.Length)];
        var written = resampler.Process(input, output);
        var tail = new float[resampler.FlushOutputSamples];
        resampler.Flush(tail);
        return [.. output.AsSpan(0, written), .. tail];
    }
}
