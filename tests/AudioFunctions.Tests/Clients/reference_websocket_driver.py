"""Runs one of reference 001's Python WebSocket clients, unchanged, against a running app.

usage: reference_websocket_driver.py <example.py> <host:port>

The example runs as the main module in the current directory, where the test put the WAV file it
streams. Its code connects to ws://localhost:8000, where the reference document's server listens;
websockets.connect is wrapped so those connections go to <host:port> instead, and nothing else of
the example is touched. Each connection made is reported on stderr as "driver: connect <from> -> <to>".
"""
import sys
import urllib.parse

import websockets

REFERENCE_AUTHORITY = "localhost:8000"


def redirecting(connect, authority):
    """websockets.connect, but to `authority` for the reference's address (and only that one)."""
    def connect_to_app(uri, *args, **kwargs):
        parts = urllib.parse.urlsplit(uri)
        if parts.scheme != "ws" or parts.netloc != REFERENCE_AUTHORITY:
            raise ValueError(f"the example connects to {uri}, not to ws://{REFERENCE_AUTHORITY}")
        target = urllib.parse.urlunsplit(parts._replace(netloc=authority))
        print(f"driver: connect {uri} -> {target}", file=sys.stderr, flush=True)
        return connect(target, *args, **kwargs)
    return connect_to_app


def main():
    example, authority = sys.argv[1], sys.argv[2]
    websockets.connect = redirecting(websockets.connect, authority)
    with open(example, encoding="utf-8") as source:
        code = compile(source.read(), example, "exec")
    exec(code, {"__name__": "__main__", "__file__": example})


if __name__ == "__main__":
    main()
