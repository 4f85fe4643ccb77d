using System.Diagnostics;
using System.Runtime.InteropServices;
using AudioFunctions.Audio;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Embedding.Speech;

/// <summary>
/// 10 s windows (48 kHz mono float) of real synthesized speech (espeak-ng, installed by scripts/setup.sh), of
/// music-like sound (chords with harmonics and note envelopes, melodies) and of coloured noise, all deterministic.
/// </summary>
public static class SpeechTestAudio
{
    private const int Rate = AudioWindow.SampleRateHz;
    private const string Espeak = "/usr/bin/espeak-ng";

    /// <summary>Voices, speeds (words per minute) and texts of the speech windows: different speakers, rates and words.</summary>
    public static readonly (string Voice, int WordsPerMinute, string Text)[] Utterances =
    [
        ("en-us", 160, "The quick brown fox jumps over the lazy dog. Then it runs back across the field to the old farm house."),
        ("en-gb", 140, "It was a bright cold day in April, and the clocks were striking thirteen. Nobody seemed to notice."),
        ("en-us+f3", 175, "Please remember to bring your passport and a warm coat, because the train leaves early tomorrow morning."),
        ("en-gb-scotland", 150, "Good evening and welcome to the news at nine. Heavy rain is expected across the north tonight."),
        ("en-us+m3", 190, "Could you tell me how to get to the library? I think I took a wrong turn somewhere near the bridge."),
        ("en-029", 130, "Our meeting starts at half past ten. We will talk about the budget, the schedule and the new office."),
        ("en-gb-x-rp+f2", 165, "She sells sea shells by the sea shore, and the shells she sells are surely sea shells, I suppose."),
        ("en-us+m5", 145, "Turn left at the second light, drive for three miles, and you will see the station on your right."),
    ];

    /// <summary>
    /// The utterance spoken by espeak-ng (22.05 kHz s16 WAV), converted by ffmpeg to 48 kHz float and looped to fill
    /// the window, so every window is speech from start to end.
    /// </summary>
    public static async Task<float[]> SpeechAsync(string voice, int wordsPerMinute, string text)
    {
        if (!File.Exists(Espeak))
            throw new InvalidOperationException($"{Espeak} is missing: run scripts/setup.sh (test.sh does) to install espeak-ng.");
        var wav = Path.Combine(Path.GetTempPath(), $"speech-{Guid.NewGuid():N}.wav");
        try
        {
            var start = new ProcessStartInfo(Espeak) { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-v", voice, "-s", wordsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", wav, text })
                start.ArgumentList.Add(argument);
            using (var process = Process.Start(start) ?? throw new InvalidOperationException("espeak-ng did not start."))
            {
                var error = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync().WaitAsync(FfmpegTool.Timeout);
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"espeak-ng -v {voice} exited with {process.ExitCode}: {error}");
            }
            var bytes = await FfmpegTool.RunAsync("ffmpeg",
                ["-hide_banner", "-loglevel", "error", "-i", wav, "-ac", "1", "-ar", "48000", "-f", "f32le", "-"]);
            var speech = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            if (speech.Length < Rate)
                throw new InvalidOperationException($"espeak-ng -v {voice} gave only {speech.Length} samples.");
            return Loop(speech);
        }
        finally
        {
            File.Delete(wav);
        }
    }

    /// <summary>
    /// A chord progression: each chord's three notes with 6 harmonics at 1/n, a 10 ms attack and exponential decay,
    /// two chords per bar at <paramref name="bpm"/>, rooted near MIDI <paramref name="rootNote"/>.
    /// </summary>
    public static float[] Chords(int rootNote, double bpm, int seed)
    {
        int[][] progression = [[0, 4, 7], [7, 11, 14], [9, 12, 16], [5, 9, 12]];   // I V vi IV
        var window = new float[AudioWindow.Samples];
        var random = new Random(seed);
        var chordSeconds = 120.0 / bpm;
        var index = 0;
        for (var start = 0.0; start < AudioWindow.Seconds; start += chordSeconds, index++)
            foreach (var interval in progression[index % progression.Length])
                Note(window, start, chordSeconds, Midi(rootNote + interval), harmonics: 6, decaySeconds: 0.8, gain: 0.08, random.NextDouble());
        return window;
    }

    /// <summary>A melody of one note per beat over a sustained bass: 8 harmonics, plucked envelope.</summary>
    public static float[] Melody(int baseNote, double bpm, int seed)
    {
        int[] scale = [0, 2, 4, 5, 7, 9, 11, 12];
        var window = new float[AudioWindow.Samples];
        var random = new Random(seed);
        var beat = 60.0 / bpm;
        for (var start = 0.0; start < AudioWindow.Seconds; start += beat)
            Note(window, start, beat, Midi(baseNote + 12 + scale[random.Next(scale.Length)]), harmonics: 8, decaySeconds: 0.3, gain: 0.15, random.NextDouble());
        for (var start = 0.0; start < AudioWindow.Seconds; start += 4 * beat)
            Note(window, start, 4 * beat, Midi(baseNote - 12), harmonics: 4, decaySeconds: 2.0, gain: 0.12, random.NextDouble());
        return window;
    }

    /// <summary>White noise, uniform, RMS <paramref name="rms"/>.</summary>
    public static float[] WhiteNoise(double rms, int seed)
    {
        var random = new Random(seed);
        var window = new float[AudioWindow.Samples];
        for (var i = 0; i < window.Length; i++)
            window[i] = (float)((random.NextDouble() * 2 - 1) * rms * Math.Sqrt(3));
        return window;
    }

    /// <summary>Pink noise (−3 dB per octave, Paul Kellet's three-pole filter of white noise), peak-scaled.</summary>
    public static float[] PinkNoise(double peak, int seed)
    {
        var random = new Random(seed);
        var window = new float[AudioWindow.Samples];
        double b0 = 0, b1 = 0, b2 = 0;
        for (var i = 0; i < window.Length; i++)
        {
            var white = random.NextDouble() * 2 - 1;
            b0 = 0.99765 * b0 + white * 0.0990460;
            b1 = 0.96300 * b1 + white * 0.2965164;
            b2 = 0.57000 * b2 + white * 1.0526913;
            window[i] = (float)(b0 + b1 + b2 + white * 0.1848);
        }
        return ScaleToPeak(window, peak);
    }

    /// <summary>Brown noise (−6 dB per octave: leaky integral of white noise), peak-scaled.</summary>
    public static float[] BrownNoise(double peak, int seed)
    {
        var random = new Random(seed);
        var window = new float[AudioWindow.Samples];
        var level = 0.0;
        for (var i = 0; i < window.Length; i++)
        {
            level = 0.999 * level + (random.NextDouble() * 2 - 1) * 0.02;
            window[i] = (float)level;
        }
        return ScaleToPeak(window, peak);
    }

    private static double Midi(int note) => 440 * Math.Pow(2, (note - 69) / 12.0);

    private static void Note(float[] window, double startSeconds, double seconds, double frequency, int harmonics, double decaySeconds, double gain, double phase)
    {
        var from = (int)(startSeconds * Rate);
        var length = Math.Min((int)(seconds * Rate), window.Length - from);
        for (var i = 0; i < length; i++)
        {
            var t = (double)i / Rate;
            var envelope = Math.Min(1, t / 0.01) * Math.Exp(-t / decaySeconds) * Math.Min(1, (length - i) / (0.005 * Rate));
            var sample = 0.0;
            for (var n = 1; n <= harmonics && n * frequency < 20_000; n++)
                sample += Math.Sin(2 * Math.PI * (n * frequency * t + phase)) / n;
            window[from + i] += (float)(gain * envelope * sample);
        }
    }

    private static float[] Loop(float[] audio)
    {
        var window = new float[AudioWindow.Samples];
        for (var at = 0; at < window.Length; at += audio.Length)
            audio.AsSpan(0, Math.Min(audio.Length, window.Length - at)).CopyTo(window.AsSpan(at));
        return window;
    }

    private static float[] ScaleToPeak(float[] window, double peak)
    {
        var max = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(window);
        System.Numerics.Tensors.TensorPrimitives.Multiply(window, (float)(peak / max), window);
        return window;
    }
}
