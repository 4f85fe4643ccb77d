using AudioFunctions.Audio;

namespace AudioFunctions.Tests.Infrastructure;

/// <summary>Timbre families the DSP embedder should tell apart, whatever the pitch and tempo.</summary>
public enum InstrumentFamily
{
    /// <summary>Band-limited sawtooth: every harmonic at 1/n, sharp attack, slow decay.</summary>
    BrightSaw,

    /// <summary>Sine with weak 2nd and 3rd harmonics, soft attack, legato.</summary>
    Flute,

    /// <summary>Band-passed noise hits with a fast exponential decay, on the beat.</summary>
    NoisePercussion,

    /// <summary>Band-limited square (odd harmonics) with 5.5 Hz vibrato, sustained.</summary>
    VibratoSquare,

    /// <summary>Karplus–Strong plucked string: a noise burst through a damped delay line.</summary>
    PluckedString,
}

/// <summary>
/// 10 s windows (48 kHz mono) of synthetic instruments playing note sequences, generated deterministically from a
/// family and a variant number that sets pitch range, tempo and melody.
/// </summary>
public static class SyntheticInstruments
{
    private const int Rate = AudioWindow.SampleRateHz;
    private static readonly int[] Pentatonic = [0, 2, 4, 7, 9, 12, 14, 16];

    /// <summary>Base MIDI note of a variant: about two octaves apart from lowest to highest.</summary>
    public static int BaseNote(int variant) => 45 + variant * 41 % 24;

    /// <summary>Beats per minute of a variant: 70 to 160.</summary>
    public static double Tempo(int variant) => 70 + variant * 37 % 91;

    public static float[] Window(InstrumentFamily family, int variant) => Window(family, BaseNote(variant), Tempo(variant), seed: 1_000 * (int)family + variant);

    public static float[] Window(InstrumentFamily family, int baseNote, double bpm, int seed)
    {
        var samples = new float[AudioWindow.Samples];
        var random = new Random(seed);
        var beat = 60.0 / bpm;
        for (var start = 0.0; start < AudioWindow.Seconds; start += beat)
        {
            var note = baseNote + Pentatonic[random.Next(Pentatonic.Length)];
            var frequency = 440 * Math.Pow(2, (note - 69) / 12.0);
            var from = (int)(start * Rate);
            switch (family)
            {
                case InstrumentFamily.BrightSaw: Saw(samples, from, beat, frequency); break;
                case InstrumentFamily.Flute: Flute(samples, from, beat, frequency); break;
                case InstrumentFamily.NoisePercussion: NoiseHit(samples, from, 800 + 3_000 * ((seed % 7) / 6.0), random); break;
                case InstrumentFamily.VibratoSquare: Square(samples, from, beat, frequency); break;
                case InstrumentFamily.PluckedString: Pluck(samples, from, beat, frequency, random); break;
            }
        }
        return samples;
    }

    private static void Saw(float[] samples, int from, double seconds, double frequency)
    {
        var length = Math.Min(samples.Length - from, (int)(seconds * Rate));
        var phase = 0.0;
        var step = frequency / Rate;
        for (var i = 0; i < length; i++)
        {
            var envelope = Math.Min(1, i / (0.005 * Rate)) * Math.Exp(-i / (0.8 * Rate)) * Math.Min(1, (length - i) / (0.01 * Rate));
            samples[from + i] += (float)(0.3 * envelope * (2 * phase - 1 - PolyBlep(phase, step)));
            phase += step;
            if (phase >= 1)
                phase -= 1;
        }
    }

    private static void Flute(float[] samples, int from, double seconds, double frequency)
    {
        var length = Math.Min(samples.Length - from, (int)(seconds * Rate));
        for (var i = 0; i < length; i++)
        {
            var envelope = Math.Min(1, i / (0.08 * Rate)) * Math.Min(1, (length - i) / (0.03 * Rate));
            var w = 2 * Math.PI * frequency * i / Rate;
            samples[from + i] += (float)(0.3 * envelope * (Math.Sin(w) + 0.2 * Math.Sin(2 * w) + 0.08 * Math.Sin(3 * w)));
        }
    }

    private static void NoiseHit(float[] samples, int from, double centreHz, Random random)
    {
        var length = Math.Min(samples.Length - from, (int)(0.25 * Rate));
        // Two-pole resonator (band-pass) with Q about 2.
        var r = Math.Exp(-Math.PI * centreHz / 2 / Rate);
        var a1 = 2 * r * Math.Cos(2 * Math.PI * centreHz / Rate);
        var a2 = -r * r;
        double y1 = 0, y2 = 0;
        for (var i = 0; i < length; i++)
        {
            var x = random.NextDouble() * 2 - 1;
            var y = (1 - r) * x + a1 * y1 + a2 * y2;
            y2 = y1;
            y1 = y;
            samples[from + i] += (float)(1.2 * y * Math.Exp(-i / (0.04 * Rate)));
        }
    }

    private static void Square(float[] samples, int from, double seconds, double frequency)
    {
        var length = Math.Min(samples.Length - from, (int)(seconds * Rate));
        var phase = 0.0;
        for (var i = 0; i < length; i++)
        {
            var step = frequency * Math.Pow(2, 0.6 / 12 * Math.Sin(2 * Math.PI * 5.5 * i / Rate)) / Rate;
            var envelope = Math.Min(1, i / (0.02 * Rate)) * Math.Min(1, (length - i) / (0.02 * Rate));
            var square = (phase < 0.5 ? 1 : -1) + PolyBlep(phase, step) - PolyBlep((phase + 0.5) % 1, step);
            samples[from + i] += (float)(0.25 * envelope * square);
            phase += step;
            if (phase >= 1)
                phase -= 1;
        }
    }

    private static void Pluck(float[] samples, int from, double seconds, double frequency, Random random)
    {
        var length = Math.Min(samples.Length - from, (int)(seconds * Rate));
        var delay = new double[Math.Max(2, (int)Math.Round(Rate / frequency))];
        for (var i = 0; i < delay.Length; i++)
            delay[i] = random.NextDouble() * 2 - 1;
        var index = 0;
        for (var i = 0; i < length; i++)
        {
            var next = (index + 1) % delay.Length;
            var value = delay[index];
            delay[index] = 0.996 * 0.5 * (delay[index] + delay[next]);
            index = next;
            samples[from + i] += (float)(0.4 * value * Math.Min(1, (length - i) / (0.01 * Rate)));
        }
    }

    /// <summary>The polyBLEP correction that removes most aliasing from a naive discontinuity at phase 0.</summary>
    private static double PolyBlep(double phase, double step)
    {
        if (phase < step)
        {
            var t = phase / step;
            return t + t - t * t - 1;
        }
        if (phase > 1 - step)
        {
            var t = (phase - 1) / step;
            return t * t + t + t + 1;
        }
        return 0;
    }
}
