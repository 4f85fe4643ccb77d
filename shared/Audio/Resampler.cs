using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioFunctions.Audio;

/// <summary>
/// Converts a mono float stream from any rate to any other (default 48 kHz) with a band-limited,
/// windowed-sinc polyphase filter, in pieces of any size. Output sample n is the signal at time
/// n / output rate (the filter's delay is compensated; input before the stream's start counts as
/// silence), so a whole signal converted in one call stays time-aligned with its input.
/// </summary>
/// <remarks>
/// <para>Each output sample is one fixed-order dot product of a fixed filter row with the same input
/// samples, however the input was split into <see cref="Process"/> calls and across
/// <see cref="SaveState"/> / <see cref="Resampler(ResamplerState)"/>: streamed output is bit-identical
/// to a one-shot conversion on the same machine (the vector width fixes the summation order).</para>
/// <para>Quality: passband to 0.91 × the smaller Nyquist, 120 dB design rejection from that Nyquist
/// up. Cost per output sample: one dot product of 176 taps at 44.1 kHz → 48 kHz (two, interpolated,
/// for ratios with more than 1,024 phases). Not thread-safe: one instance per stream.</para>
/// </remarks>
public sealed class Resampler
{
    /// <summary>Input samples appended between compactions of the history buffer.</summary>
    private const int BlockSamples = 4096;

    private readonly ResamplerDesign _design;

    // x[_bufferStart .. _bufferStart + _filled) of the zero-prefixed input; the first taps − 1 are
    // the history. Always _filled ≥ taps − 1, and _bufferStart + _filled = _inputSamples until
    // Flush appends the closing silence.
    private readonly float[] _buffer;
    private long _bufferStart;
    private int _filled;

    private long _inputSamples;
    private long _outputSamples;

    // The next output's time: q + (_phase + _remainder / L) / P input samples.
    private long _q;
    private int _phase;
    private int _remainder;
    private bool _flushed;

    /// <summary>Starts a stream at <paramref name="inputRateHz"/> converted to <paramref name="outputRateHz"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is below 1 Hz or above 384 kHz.</exception>
    public Resampler(int inputRateHz, int outputRateHz = AudioWindow.SampleRateHz)
    {
        ValidateRate(inputRateHz, nameof(inputRateHz));
        ValidateRate(outputRateHz, nameof(outputRateHz));
        _design = ResamplerDesign.For(inputRateHz, outputRateHz);
        var history = HistoryLength;
        _buffer = _design.IsIdentity ? [] : new float[history + Math.Max(BlockSamples, 4 * _design.Taps)];
        _bufferStart = -history;
        _filled = history;
    }

    /// <summary>Resumes the stream saved by <see cref="SaveState"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is out of range.</exception>
    /// <exception cref="ArgumentException">The state does not describe a stream of this resampler
    /// (inconsistent counts, or a history length from another filter design).</exception>
    public Resampler(ResamplerState state)
        : this(ValidateState(state).InputRateHz, state.OutputRateHz)
    {
        if (state.InputSamples < 0 || state.History.Length != HistoryLength)
            throw new ArgumentException(
                $"the state holds {state.History.Length} history samples and {state.InputSamples} input samples; " +
                $"this resampler needs {HistoryLength} and a count ≥ 0.", nameof(state));
        var expected = state.Flushed ? FlushedTotal(state.InputSamples) : ComputableBefore(state.InputSamples);
        if (state.OutputSamples != expected)
            throw new ArgumentException(
                $"the state has written {state.OutputSamples} output samples for {state.InputSamples} input samples; expected {expected}.",
                nameof(state));

        state.History.CopyTo(_buffer, 0);
        _inputSamples = state.InputSamples;
        _outputSamples = state.OutputSamples;
        _bufferStart = _inputSamples - HistoryLength;
        _flushed = state.Flushed;
        if (_design.IsIdentity)
            return;

        // t = n·M/L = q + p/L; the table position p·P/L = phase + remainder/L.
        var time = (Int128)_outputSamples * _design.InputStepPerOutput;
        _q = (long)(time / _design.OutputStep);
        var p = (long)(time % _design.OutputStep);
        _phase = (int)(p * _design.Phases / _design.OutputStep);
        _remainder = (int)(p * _design.Phases % _design.OutputStep);
    }

    public int InputRateHz => _design.InputRateHz;

    public int OutputRateHz => _design.OutputRateHz;

    /// <summary>Input samples consumed since the stream began.</summary>
    public long InputSamples => _inputSamples;

    /// <summary>Output samples written since the stream began.</summary>
    public long OutputSamples => _outputSamples;

    /// <summary>Exactly how many samples <see cref="Flush"/> would write now.</summary>
    public int FlushOutputSamples => _flushed ? 0 : checked((int)(FlushedTotal(_inputSamples) - _outputSamples));

    private int HistoryLength => _design.IsIdentity ? 0 : _design.Taps - 1;

    /// <summary>
    /// An output size that is always enough for a <see cref="Process"/> call with
    /// <paramref name="inputSamples"/> samples: floor(inputSamples × output rate / input rate) + 2.
    /// </summary>
    public int MaxOutputSamples(int inputSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputSamples);
        return checked((int)((long)inputSamples * OutputRateHz / InputRateHz + 2));
    }

    /// <summary>
    /// Consumes all of <paramref name="input"/> and writes to <paramref name="output"/> every output
    /// sample whose filter taps are now all available. Allocates nothing.
    /// </summary>
    /// <returns>The number of samples written.</returns>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than the samples due
    /// (<see cref="MaxOutputSamples"/> is always enough); nothing is consumed.</exception>
    /// <exception cref="InvalidOperationException">The stream was flushed.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_flushed)
            throw new InvalidOperationException("the resampler was flushed; start a new one for a new stream.");
        var due = ComputableBefore(_inputSamples + input.Length) - _outputSamples;
        if (output.Length < due)
            throw new ArgumentException($"output holds {output.Length} samples; this call writes {due}.", nameof(output));

        if (_design.IsIdentity)
        {
            input.CopyTo(output);
            _inputSamples += input.Length;
            _outputSamples += input.Length;
            return input.Length;
        }

        var written = 0;
        while (!input.IsEmpty)
        {
            if (_filled == _buffer.Length)
                Compact();
            var count = Math.Min(input.Length, _buffer.Length - _filled);
            input[..count].CopyTo(_buffer.AsSpan(_filled));
            input = input[count..];
            _filled += count;
            _inputSamples += count;
            written += Produce(output[written..], long.MaxValue);
        }
        return written;
    }

    /// <summary>
    /// Ends the stream: treats the input as followed by silence and writes the last
    /// <see cref="FlushOutputSamples"/> samples, so that the stream's whole output is
    /// ceil(input samples × output rate / input rate) long. Later calls write nothing;
    /// <see cref="Process"/> throws.
    /// </summary>
    /// <returns>The number of samples written.</returns>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="FlushOutputSamples"/>.</exception>
    public int Flush(Span<float> output)
    {
        var due = FlushOutputSamples;
        if (output.Length < due)
            throw new ArgumentException($"output holds {output.Length} samples; flushing writes {due}.", nameof(output));
        var total = FlushedTotal(_inputSamples);
        _flushed = true;
        if (_design.IsIdentity)
            return 0;

        // Zeros go through the buffer like input, without counting as input, until the last output's
        // right-hand taps are in; at most H of them are needed.
        var written = 0;
        while (_outputSamples < total)
        {
            if (_filled == _buffer.Length)
                Compact();
            var count = Math.Min(_design.HalfTaps, _buffer.Length - _filled);
            _buffer.AsSpan(_filled, count).Clear();
            _filled += count;
            written += Produce(output[written..], total);
        }
        return written;
    }

    /// <summary>A snapshot of the stream (a copy: later calls do not change it).</summary>
    public ResamplerState SaveState() => new(
        InputRateHz,
        OutputRateHz,
        _inputSamples,
        _outputSamples,
        _buffer.AsSpan(_filled - HistoryLength, HistoryLength).ToArray(),
        _flushed);

    /// <summary>Writes outputs while their last tap is buffered, up to output count <paramref name="limit"/>.</summary>
    private int Produce(Span<float> output, long limit)
    {
        var design = _design;
        var taps = design.Taps;
        var half = design.HalfTaps;
        var phases = design.Phases;
        var l = design.OutputStep;
        var qStep = design.QStep;
        var phaseStep = design.PhaseStep;
        var remainderStep = design.RemainderStep;
        var remainderScale = design.RemainderScale;
        var end = _bufferStart + _filled;
        ref var rows = ref MemoryMarshal.GetArrayDataReference(design.Coefficients);
        ref var samples = ref MemoryMarshal.GetArrayDataReference(_buffer);

        long q = _q, produced = _outputSamples;
        int phase = _phase, remainder = _remainder, written = 0;
        while (q + half < end && produced < limit)
        {
            // Window x[q − H + 1 .. q + H]: inside the buffer because nothing before end − (K − 1)
            // is ever needed again (see Compact).
            ref var window = ref Unsafe.Add(ref samples, (nint)(q - half + 1 - _bufferStart));
            var y = ResamplerKernel.Dot(ref Unsafe.Add(ref rows, phase * taps), ref window, taps);
            if (remainder != 0)
            {
                // Between table rows: row j + 1 exists because interpolating tables have P + 1 rows.
                var next = ResamplerKernel.Dot(ref Unsafe.Add(ref rows, (phase + 1) * taps), ref window, taps);
                y += (next - y) * (remainder * remainderScale);
            }
            output[written++] = y;
            produced++;

            q += qStep;
            phase += phaseStep;
            remainder += remainderStep;
            if (remainder >= l)
            {
                remainder -= l;
                phase++;
            }
            if (phase >= phases)
            {
                phase -= phases;
                q++;
            }
        }
        _q = q;
        _phase = phase;
        _remainder = remainder;
        _outputSamples = produced;
        return written;
    }

    /// <summary>
    /// Keeps only the last taps − 1 samples. Every output due has been written, so the next one's
    /// window starts at q − H + 1 ≥ end − H − H + 1 = end − (K − 1): nothing earlier is needed.
    /// </summary>
    private void Compact()
    {
        var history = HistoryLength;
        var drop = _filled - history;
        Array.Copy(_buffer, drop, _buffer, 0, history);
        _bufferStart += drop;
        _filled = history;
    }

    /// <summary>Outputs whose right-hand taps lie within the first <paramref name="inputSamples"/>:
    /// those with q + H &lt; N, i.e. n·M &lt; (N − H)·L.</summary>
    private long ComputableBefore(long inputSamples) =>
        _design.IsIdentity ? inputSamples : _design.OutputsBefore(inputSamples - _design.HalfTaps);

    /// <summary>ceil(N · L / M): the whole stream's output length.</summary>
    private long FlushedTotal(long inputSamples) => _design.OutputsBefore(inputSamples);

    private static ResamplerState ValidateState(ResamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.History, nameof(state));
        return state;
    }

    private static void ValidateRate(int rateHz, string name)
    {
        if (rateHz is < 1 or > StreamAudioFormat.MaxSampleRateHz)
            throw new ArgumentOutOfRangeException(name, rateHz, $"rates must be between 1 and {StreamAudioFormat.MaxSampleRateHz} Hz.");
    }
}
