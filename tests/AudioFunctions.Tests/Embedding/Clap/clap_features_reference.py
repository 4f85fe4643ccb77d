"""Reference CLAP log-mel features, written from the formulas with numpy alone.

Usage: clap_features_reference.py SAMPLES_F32 FEATURES_F32

Reads mono float32 little-endian samples at 48 kHz, writes float32 little-endian
features [1001, 64] (frame-major, band fastest): the non-fusion path of a CLAP
feature extractor with the clap-htsat-unfused settings below. All arithmetic is
float64; only the output is rounded to float32.
"""
import sys

import numpy as np

RATE = 48_000
N_FFT = 1024
HOP = 480
BANDS = 64
F_MIN = 50.0
F_MAX = 14_000.0
WINDOW = 10 * RATE
FLOOR = 1e-10


def repeat_pad(clip):
    """Whole copies of the clip (floor(WINDOW / len) of them), then zeros; longer clips keep their start."""
    if len(clip) >= WINDOW:
        return clip[:WINDOW].copy()
    out = np.zeros(WINDOW)
    if len(clip) == 0:
        return out
    copies = WINDOW // len(clip)
    for c in range(copies):
        out[c * len(clip):(c + 1) * len(clip)] = clip
    return out


def slaney_mel(hz):
    hz = np.asarray(hz, dtype=np.float64)
    return np.where(hz >= 1000.0, 15.0 + np.log(np.maximum(hz, 1e-300) / 1000.0) * 27.0 / np.log(6.4), 3.0 * hz / 200.0)


def slaney_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    return np.where(mel >= 15.0, 1000.0 * np.exp((mel - 15.0) * np.log(6.4) / 27.0), 200.0 * mel / 3.0)


def mel_bank():
    """[bins, bands]: triangles between Slaney-mel-spaced edges, each scaled to unit area by 2 / (upper - lower)."""
    bins = N_FFT // 2 + 1
    edges = slaney_hz(np.linspace(slaney_mel(F_MIN), slaney_mel(F_MAX), BANDS + 2))
    freqs = np.arange(bins) * (RATE / 2) / (bins - 1)
    bank = np.zeros((bins, BANDS))
    for m in range(BANDS):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        rise = (freqs - lo) / (mid - lo)
        fall = (hi - freqs) / (hi - mid)
        bank[:, m] = np.maximum(0.0, np.minimum(rise, fall)) * 2.0 / (hi - lo)
    return bank


def features(clip):
    x = repeat_pad(np.asarray(clip, dtype=np.float64))
    half = N_FFT // 2
    # Centred frames: mirror half a frame about each end sample (the end sample itself is not repeated).
    x = np.concatenate([x[half:0:-1], x, x[-2:-half - 2:-1]])
    i = np.arange(N_FFT)
    hann = 0.5 - 0.5 * np.cos(2.0 * np.pi * i / N_FFT)  # periodic
    frames = 1 + (len(x) - N_FFT) // HOP
    index = np.arange(frames)[:, None] * HOP + i[None, :]
    spectrum = np.fft.rfft(x[index] * hann, axis=1)
    power = spectrum.real ** 2 + spectrum.imag ** 2
    mel = np.maximum(FLOOR, power @ mel_bank())
    return (10.0 * np.log10(np.maximum(FLOOR, mel)) - 10.0 * np.log10(max(FLOOR, 1.0))).astype(np.float32)


def main():
    clip = np.fromfile(sys.argv[1], dtype="<f4")
    out = features(clip)
    assert out.shape == (1001, BANDS), out.shape
    out.astype("<f4").tofile(sys.argv[2])


if __name__ == "__main__":
    main()
