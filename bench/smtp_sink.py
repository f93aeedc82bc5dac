"""An SMTP server (aiosmtpd) that accepts everything and counts, in its own process.

It writes {"count", "first", "last"} (wall-clock times of the first and last message) to a state
file as mail arrives. With --keep it also holds every message as received; SIGUSR1 writes them to
<state>.messages (pickle of (mail_from, rcpt_tos, bytes)), stops keeping and resets the count, so
the same messages can be pushed again with plain smtplib as the ceiling.

    python -m bench.smtp_sink --port 2525 --state /tmp/sink.json --keep
"""

import argparse
import json
import os
import pickle
import signal
import threading
import time

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self, keep):
        self.keep = keep
        self.messages = []
        self.count = 0
        self.first = self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.lock:
            self.count += 1
            self.first = self.first or now
            self.last = now
            if self.keep:
                self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def write_state(path, state):
    temporary = f"{path}.tmp"
    with open(temporary, "w") as handle:
        json.dump(state, handle)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    handler = CountingHandler(args.keep)
    controller = Controller(handler, hostname="127.0.0.1", port=args.port, data_size_limit=0)
    stopping = threading.Event()

    def dump(signum, frame):
        with handler.lock:
            messages, handler.messages, handler.keep = handler.messages, [], False
            handler.count, handler.first, handler.last = 0, None, None
        with open(f"{args.state}.messages.tmp", "wb") as out:
            pickle.dump(messages, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f"{args.state}.messages.tmp", f"{args.state}.messages")

    signal.signal(signal.SIGUSR1, dump)
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    controller.start()
    written = None
    try:
        while not stopping.is_set():
            with handler.lock:
                state = {"count": handler.count, "first": handler.first, "last": handler.last}
            if state != written:
                write_state(args.state, state)
                written = state
            stopping.wait(0.02)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
