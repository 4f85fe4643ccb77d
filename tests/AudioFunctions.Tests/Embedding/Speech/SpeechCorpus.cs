using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Embedding.Speech;

/// <summary>What a test window holds.</summary>
public enum SoundKind
{
    Speech,
    Music,
    Noise,
}

/// <summary>
/// The labelled 10 s windows the speech embedder's tests compare: 8 espeak-ng utterances (several voices and speeds),
/// 8 music-like windows (chord progressions, melodies over a bass, and synthetic instruments) and 6 noises (white,
/// pink, brown at two levels). Speech is synthesized once per test class.
/// </summary>
public sealed class SpeechCorpus : IAsyncLifetime
{
    public IReadOnlyList<(SoundKind Kind, string Label, float[] Window)> Windows { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var windows = new List<(SoundKind, string, float[])>();
        var speech = await Task.WhenAll(SpeechTestAudio.Utterances.Select(u => SpeechTestAudio.SpeechAsync(u.Voice, u.WordsPerMinute, u.Text)));
        for (var i = 0; i < speech.Length; i++)
            windows.Add((SoundKind.Speech, $"speech {SpeechTestAudio.Utterances[i].Voice} {SpeechTestAudio.Utterances[i].WordsPerMinute} wpm", speech[i]));

        windows.Add((SoundKind.Music, "chords C 96 bpm", SpeechTestAudio.Chords(rootNote: 60, bpm: 96, seed: 1)));
        windows.Add((SoundKind.Music, "chords A 132 bpm", SpeechTestAudio.Chords(rootNote: 57, bpm: 132, seed: 2)));
        windows.Add((SoundKind.Music, "melody E 120 bpm", SpeechTestAudio.Melody(baseNote: 52, bpm: 120, seed: 3)));
        windows.Add((SoundKind.Music, "melody G 84 bpm", SpeechTestAudio.Melody(baseNote: 55, bpm: 84, seed: 4)));
        foreach (var family in new[] { InstrumentFamily.BrightSaw, InstrumentFamily.Flute, InstrumentFamily.PluckedString, InstrumentFamily.VibratoSquare })
            windows.Add((SoundKind.Music, $"instrument {family}", SyntheticInstruments.Window(family, variant: 1)));

        windows.Add((SoundKind.Noise, "white noise -20 dBFS", SpeechTestAudio.WhiteNoise(rms: 0.1, seed: 5)));
        windows.Add((SoundKind.Noise, "white noise -40 dBFS", SpeechTestAudio.WhiteNoise(rms: 0.01, seed: 6)));
        windows.Add((SoundKind.Noise, "pink noise peak 0.5", SpeechTestAudio.PinkNoise(peak: 0.5, seed: 7)));
        windows.Add((SoundKind.Noise, "pink noise peak 0.05", SpeechTestAudio.PinkNoise(peak: 0.05, seed: 8)));
        windows.Add((SoundKind.Noise, "brown noise peak 0.5", SpeechTestAudio.BrownNoise(peak: 0.5, seed: 9)));
        windows.Add((SoundKind.Noise, "brown noise peak 0.05", SpeechTestAudio.BrownNoise(peak: 0.05, seed: 10)));
        Windows = windows;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
