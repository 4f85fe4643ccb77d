using System.Buffers;

namespace AudioFunctions.Embedding.Clap;

/// <summary>
/// CLAP's <c>input_features</c> for one window of mono audio at <see cref="ClapFeatureSettings.SampleRateHz"/>, as
/// transformers' <c>ClapFeatureExtractor</c> computes them on its non-fusion path (<c>truncation="rand_trunc"</c>,
/// which the unfused model's configuration names) and the ONNX export of <c>clap-htsat-unfused</c> takes them:
/// <list type="number">
/// <item>the clip is brought to exactly max_length_s · rate samples (<c>_get_input_mel</c>): a shorter one by its
/// <see cref="ClapPadding"/>, a longer one cut to its first window (see <see cref="Extract"/>);</item>
/// <item>that window is reflect-padded by n/2 on each side and cut into frames of n every hop samples
/// (<c>audio_utils.spectrogram</c>, <c>center=True</c>, <c>pad_mode="reflect"</c>): 1001 frames for 10 s;</item>
/// <item>each frame times a periodic Hann window, w[i] = ½ − ½·cos(2πi/n) (<c>audio_utils.window_function(n, "hann")</c>,
/// <c>periodic=True</c>: <c>np.hanning(n + 1)[:-1]</c>), goes through an unnormalised real DFT and becomes
/// |X[k]|² (<c>spectrogram</c>, <c>power=2.0</c>);</item>
/// <item>the Slaney-scale, Slaney-normed mel bank (<c>audio_utils.mel_filter_bank</c>, see
/// <see cref="SlaneyMelFilterBank"/>) gives each band Σ w·|X|², floored at 1e-10 (<c>spectrogram</c>'s <c>mel_floor</c>);</item>
/// <item>decibels 10·log10(max(1e-10, S)) − 10·log10(max(1e-10, 1.0)) (<c>audio_utils.power_to_db</c> with
/// reference 1.0, min_value 1e-10 and no db_range: the extractor never passes <c>top_db</c> on), so silence is −100 dB.</item>
/// </list>
/// transformers works in float64 (storing the DFT as complex64); this works in double and rounds only the output.
/// An instance holds only read-only tables and may be shared between threads.
/// </summary>
public sealed class ClapFeatureExtractor
{
    private const double MelFloor = 1e-10;       // spectrogram(mel_floor=1e-10) and power_to_db(min_value=1e-10)
    private const double ReferencePower = 1.0;   // power_to_db(reference=1.0)

    private readonly RealFft<double> _fft;
    private readonly SlaneyMelFilterBank _melBank;
    private readonly double[] _window;
    private readonly double _referenceDb;

    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="NotSupportedException">The truncation is not <c>"rand_trunc"</c>.</exception>
    public ClapFeatureExtractor(ClapFeatureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        var n = settings.FftWindowSize;
        _fft = new RealFft<double>(n);
        _melBank = new SlaneyMelFilterBank(settings.MelBands, _fft.Bins, settings.SampleRateHz, settings.FrequencyMinHz, settings.FrequencyMaxHz);
        _window = new double[n];
        for (var i = 0; i < n; i++)
            _window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n);
        _referenceDb = 10 * Math.Log10(Math.Max(MelFloor, ReferencePower));
    }

    public ClapFeatureSettings Settings { get; }

    /// <summary>Frames per window (1001 for 10 s at hop 480).</summary>
    public int FrameCount => Settings.FrameCount;

    /// <summary>Mel bands per frame (64).</summary>
    public int MelBands => Settings.MelBands;

    /// <summary>Samples one window covers (480,000).</summary>
    public int WindowSamples => Settings.WindowSamples;

    /// <summary>Floats <see cref="Extract"/> writes: <see cref="FrameCount"/> · <see cref="MelBands"/> (64,064).</summary>
    public int FeaturesPerWindow => Settings.FeaturesPerWindow;

    /// <summary>
    /// Writes the log-mel features of <paramref name="samples"/> (mono, at the settings' rate, any length) to
    /// <paramref name="features"/> frame by frame, band fastest: the [1001, 64] slice of one batch item of
    /// <c>input_features</c> [batch, 1, 1001, 64]. A clip shorter than the window is padded by
    /// <see cref="ClapFeatureSettings.Padding"/> (an empty one is silence); a longer one is cut to its first
    /// <see cref="WindowSamples"/>: <c>rand_trunc</c> crops at a random offset in training, and offset 0 is the one
    /// deterministic choice among them, so callers that want another part pass exactly that window.
    /// Allocates nothing but pooled buffers (about 4 bytes per window sample); costs one 1024-point FFT per frame.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="features"/> holds fewer than <see cref="FeaturesPerWindow"/> floats.</exception>
    public void Extract(ReadOnlySpan<float> samples, Span<float> features)
    {
        if (features.Length < FeaturesPerWindow)
            throw new ArgumentException($"The feature buffer holds {features.Length} floats; a window needs {FeaturesPerWindow}.", nameof(features));
        var n = _fft.Size;
        var half = n / 2;
        var windowSamples = WindowSamples;
        var paddedLength = windowSamples + 2 * half;
        var padded = ArrayPool<float>.Shared.Rent(paddedLength);
        var work = ArrayPool<double>.Shared.Rent(n + _fft.Bins + MelBands);
        try
        {
            var signal = padded.AsSpan(0, paddedLength);
            FillWindow(samples, Settings.Padding, signal.Slice(half, windowSamples));
            ReflectEdges(signal, half);
            var scratch = work.AsSpan(0, n);
            var power = work.AsSpan(n, _fft.Bins);
            var mel = work.AsSpan(n + _fft.Bins, MelBands);
            var hop = Settings.HopLength;
            for (var t = 0; t < FrameCount; t++)
            {
                _fft.PowerSpectrum(signal.Slice(t * hop, n), _window, power, scratch);
                _melBank.Apply(power, mel);
                var row = features.Slice(t * MelBands, MelBands);
                for (var m = 0; m < row.Length; m++)
                    row[m] = (float)(10 * Math.Log10(Math.Max(MelFloor, mel[m])) - _referenceDb);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(work);
            ArrayPool<float>.Shared.Return(padded);
        }
    }

    /// <summary>
    /// Brings <paramref name="clip"/> to exactly <paramref name="window"/>.Length samples as
    /// <c>ClapFeatureExtractor._get_input_mel</c> does: longer clips keep their start; <c>repeatpad</c> tiles the clip
    /// ⌊L/len⌋ whole times (<c>np.tile(waveform, n_repeat)</c>) and zero-fills the rest; <c>repeat</c> tiles it
    /// ⌊L/len⌋ + 1 times and cuts at L; <c>pad</c> zero-fills after one copy.
    /// </summary>
    internal static void FillWindow(ReadOnlySpan<float> clip, ClapPadding padding, Span<float> window)
    {
        if (clip.Length >= window.Length)
        {
            clip[..window.Length].CopyTo(window);
            return;
        }
        window.Clear();
        if (clip.IsEmpty)
            return;
        var copies = padding switch
        {
            ClapPadding.RepeatPad => window.Length / clip.Length,
            ClapPadding.Repeat => window.Length / clip.Length + 1,
            _ => 1,
        };
        for (int c = 0, start = 0; c < copies && start < window.Length; c++, start += clip.Length)
        {
            var take = Math.Min(clip.Length, window.Length - start);
            clip[..take].CopyTo(window.Slice(start, take));
        }
    }

    /// <summary>
    /// numpy's <c>np.pad(mode="reflect")</c> of the window at [pad, pad + L) into the first and last
    /// <paramref name="pad"/> samples, mirrored about the edge sample without repeating it: x[−j] = x[j], x[L−1+j] = x[L−1−j].
    /// </summary>
    private static void ReflectEdges(Span<float> signal, int pad)
    {
        var last = signal.Length - pad - 1; // index of the window's last sample
        for (var j = 1; j <= pad; j++)
        {
            signal[pad - j] = signal[pad + j];
            signal[last + j] = signal[last - j];
        }
    }
}
