"""Drives the reference InsightClient (loaded from the file given) against a running app.

usage: reference_client_driver.py <client.py> <base_url>
Streams three tracks (two of one timbre, one of another), ends them, then runs the client's
search_similar and search_by_text, and prints what came back as one JSON object.
"""
import json
import math
import random
import struct
import sys

RATE = 44100
FRAME_SAMPLES = 4410  # 100 ms frames, as a player callback would deliver them


def harmonic_tone(freq, seconds):
    """A bright, sawtooth-like tone (harmonics 1/k), stereo s16."""
    frames = []
    for n in range(int(seconds * RATE)):
        t = n / RATE
        value = sum(math.sin(2 * math.pi * freq * k * t) / k for k in range(1, 9))
        sample = int(max(-1.0, min(1.0, 0.3 * value)) * 32767)
        frames.append(struct.pack("<hh", sample, sample))
    return b"".join(frames)


def noise_hits(bpm, seconds, seed):
    """Decaying noise bursts on a beat: percussion, stereo s16."""
    rng = random.Random(seed)
    beat = int(RATE * 60 / bpm)
    frames = []
    for n in range(int(seconds * RATE)):
        envelope = math.exp(-(n % beat) / (0.03 * RATE))
        sample = int(0.6 * envelope * (rng.random() * 2 - 1) * 32767)
        frames.append(struct.pack("<hh", sample, sample))
    return b"".join(frames)


def stream(client_class, base_url, track_id, metadata, pcm):
    client = client_class(base_url)
    client.start_stream(track_id=track_id, metadata=metadata)
    step = FRAME_SAMPLES * 4
    for offset in range(0, len(pcm), step):
        client.send_frames(pcm[offset:offset + step])
    return client.end_stream(store=True)


def main():
    namespace = {}
    with open(sys.argv[1], encoding="utf-8") as source:
        exec(compile(source.read(), sys.argv[1], "exec"), namespace)
    client_class = namespace["InsightClient"]
    base_url = sys.argv[2]

    tracks = [
        ("ref:track:bright-a", {"name": "Bohemian Rhapsody", "artists": ["Queen"], "album": "A Night at the Opera",
                                "genres": ["Rock", "Progressive Rock"]}, harmonic_tone(220.0, 12)),
        ("ref:track:bright-b", {"name": "Shine On", "artists": ["Pink Floyd"], "album": "Wish You Were Here",
                                "genres": ["Progressive Rock"]}, harmonic_tone(246.9, 12)),
        ("ref:track:drums", {"name": "Drum Solo", "artists": ["Percussion Ensemble"], "album": "Beats",
                             "genres": ["Percussion"]}, noise_hits(120, 12, seed=7)),
    ]
    ended = {track_id: stream(client_class, base_url, track_id, metadata, pcm) for track_id, metadata, pcm in tracks}

    similar = client_class(base_url).search_similar("ref:track:bright-a")
    by_text = client_class(base_url).search_by_text("queen")
    print(json.dumps({
        "ended": ended,
        "similar": [{"track_id": r["track_id"], "score": r["score"], "name": r["metadata"].get("name")} for r in similar],
        "by_text": [{"track_id": r["track_id"], "score": r["score"], "name": r["metadata"].get("name")} for r in by_text],
    }))


if __name__ == "__main__":
    main()
