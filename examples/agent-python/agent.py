#!/usr/bin/env python3
"""A Conclave remote agent in Python, standard library only.

The Conclave worker drives it over HTTP, one POST per step ("act") or undo ("compensate"), and
hands it, in each request, an OpenAI-compatible endpoint for that step: every model call goes
there, so the worker budgets it, breaks it when the model fails, and records it in the agent's log.

Run: python3 agent.py [port]       (or PORT=8602 python3 agent.py)
Environment:
  PORT          the port (default 8602; 0 picks a free one); an argument wins
  HOST          the address to listen on (default 127.0.0.1)
  EFFECTS_FILE  a file of the effects done, one JSON line per idempotency key (default: memory only)
  SLOW_MS       waits this long before answering a step (to kill a worker in the middle of one)
  FAULT         500 | hang | garbage: answers every step with a server error, never, or non-JSON
  FAULT_KINDS   the request kinds FAULT applies to, comma-separated (default: act)
"""

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import Future
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT", "8602"))
HOST = os.environ.get("HOST", "127.0.0.1")
EFFECTS_FILE = os.environ.get("EFFECTS_FILE")
SLOW_MS = int(os.environ.get("SLOW_MS", "0"))
FAULT = os.environ.get("FAULT", "")
FAULT_KINDS = os.environ.get("FAULT_KINDS", "act").split(",")


class Unprocessable(Exception):
    """A request that can never succeed: the worker dead-letters the command."""


class Transient(Exception):
    """A failure worth trying again (the model endpoint could not be reached, say)."""


# The effects done, by idempotency key: a request seen before gets the answer it got then, and its
# effect is not done twice. A request still being worked on is joined, not started again (a worker
# that took over from a killed one sends the same key while the first request may still run); if
# that one fails, it did nothing, and the joined request does the work itself.
done = {}
done_lock = threading.Lock()
if EFFECTS_FILE and os.path.exists(EFFECTS_FILE):
    with open(EFFECTS_FILE, encoding="utf-8") as lines:
        for line in filter(str.strip, lines):
            effect = json.loads(line)
            future = Future()
            future.set_result(effect["answer"])
            done[effect["idempotencyKey"]] = future


def validate(request):
    if not isinstance(request, dict):
        raise Unprocessable("the body is not a JSON object")
    if request.get("kind") not in ("act", "compensate"):
        raise Unprocessable(f'kind must be "act" or "compensate", not {json.dumps(request.get("kind"))}')
    if not isinstance(request.get("idempotencyKey"), str) or not request["idempotencyKey"]:
        raise Unprocessable("idempotencyKey is missing")
    if request["kind"] == "act":
        if not isinstance(request.get("input"), str):
            raise Unprocessable("input is missing")
        if not isinstance((request.get("model") or {}).get("baseUrl"), str):
            raise Unprocessable("model.baseUrl is missing")


def seconds_left(deadline):
    try:
        left = datetime.fromisoformat(deadline.replace("Z", "+00:00")) - datetime.now(timezone.utc)
        return max(1.0, left.total_seconds())
    except (AttributeError, ValueError):
        return 60.0


def chat(model, messages, deadline):
    """One chat completion at the step's endpoint (OpenAI's wire format), not retried here: the
    worker decides about retries, and re-sends the step with the same idempotency key."""
    call = urllib.request.Request(
        model["baseUrl"].rstrip("/") + "/chat/completions",
        data=json.dumps({"model": model.get("model"), "messages": messages}).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f'Bearer {model.get("apiKey", "")}'},
        method="POST",
    )
    with urllib.request.urlopen(call, timeout=seconds_left(deadline)) as answer:
        completion = json.load(answer)
    return completion["choices"][0]["message"].get("content") or ""


def act(request):
    step = request.get("step") or {}
    messages = [
        {
            "role": "system",
            "content": f'You are the {request.get("agentType")} agent of a Conclave saga. '
            f'Do the step "{step.get("action")}" and answer with its result only.',
        },
        {"role": "user", "content": request["input"]},
    ]
    try:
        answer = chat(request["model"], messages, request.get("deadline"))
    except urllib.error.HTTPError as e:
        # the model refused the request itself: this step fails, and the saga compensates; anything
        # else (a spent budget, an open breaker, a rate limit, no answer) goes back to the worker as
        # a failure that may pass, which it then treats as it would a Java agent's model failure
        if e.code == 400:
            return {"status": "failed", "reason": f"the model refused the request: {e.code} {e.reason}"}
        raise Transient(f"the model call failed: {e.code} {e.reason}") from e
    except (OSError, ValueError, KeyError, IndexError) as e:
        raise Transient(f"the model call failed: {e}") from e
    steps = ((request.get("state") or {}).get("steps") or 0) + 1
    return {
        "status": "completed",
        "output": answer,
        "decisions": [{"kind": "STEP_RESULT", "payload": answer}],
        "state": {"steps": steps},
        "knowledge": [{"op": "increment", "key": f'{request.get("agentType")}.steps', "n": 1}],
    }


def compensate(request):
    return {
        "status": "completed",
        "output": f'undone: {request.get("output") or ""}',
        "decisions": [
            {"kind": "COMPENSATED", "payload": f'undid step {request.get("stepIndex")}: {request.get("reason") or ""}'}
        ],
    }


def once(request):
    """Does the request's effect once per idempotency key, and answers the same to every repeat. A
    re-drive (the worker replays a recorded saga against this agent, answering its model calls from
    the recording) does the step afresh and keeps nothing: it must have no effect."""
    if request.get("redrive") is True:
        return act(request) if request["kind"] == "act" else compensate(request)
    key = request["idempotencyKey"]
    while True:
        with done_lock:
            future = done.get(key)
            mine = future is None
            if mine:
                future = done[key] = Future()
        if mine:
            break
        try:
            return future.result()
        except Exception:
            pass  # that try did nothing (its worker died with its model endpoint, say): this one does it
    print(f'{request["kind"]} {key}: started', flush=True)
    try:
        time.sleep(SLOW_MS / 1000)
        answer = act(request) if request["kind"] == "act" else compensate(request)
        if EFFECTS_FILE:
            with done_lock, open(EFFECTS_FILE, "a", encoding="utf-8") as effects:
                effects.write(json.dumps({"idempotencyKey": key, "kind": request["kind"], "answer": answer}) + "\n")
        future.set_result(answer)
        return answer
    except Exception as e:
        # a failure did nothing: the next try of the same key does the work again
        with done_lock:
            del done[key]
        future.set_exception(e)
        raise


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send(200, {"status": "up"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = None
        try:
            try:
                request = json.loads(body)
            except ValueError as e:
                raise Unprocessable(f"the body is not JSON: {e}") from e
            validate(request)
            if FAULT and request["kind"] in FAULT_KINDS:
                print(f'fault {FAULT} for {request["idempotencyKey"]}', flush=True)
                if FAULT == "hang":
                    time.sleep(3600)  # never answers: the worker's timeout is what ends it
                    return
                if FAULT == "garbage":
                    return self.send(200, "this is not JSON {")
                return self.problem(500, "Internal Server Error", "FAULT=500")
            answer = once(request)
            print(f'{request["kind"]} {request["idempotencyKey"]}: {answer["status"]}', flush=True)
            self.send(200, answer)
        except Unprocessable as e:
            print(f"unprocessable: {e}", flush=True)
            self.problem(422, "Unprocessable Content", str(e))
        except Transient as e:
            print(f'{request["idempotencyKey"]} failed: {e}', flush=True)
            self.problem(503, "Service Unavailable", str(e))

    def send(self, status, body, content_type="application/json"):
        text = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def problem(self, status, title, detail):
        self.send(status, {"title": title, "detail": detail}, "application/problem+json")

    def log_message(self, format, *args):
        pass  # one line per request is printed above, not the access log's too


if __name__ == "__main__":
    server = ThreadingHTTPServer((HOST, PORT), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
