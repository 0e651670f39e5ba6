"""Helpers for the Python compat drivers: one JSON result line per scenario on stdout, checks that
carry expected/got. Everything else goes to stderr."""
import json
import os
import signal
import sys
import time
import traceback


class CheckError(Exception):
    def __init__(self, message, expected=None, got=None):
        super().__init__(message)
        self.expected = expected
        self.got = got


class Skip(Exception):
    pass


def log(tag, *a):
    print("[%s]" % tag, *a, file=sys.stderr, flush=True)


def check(cond, message, expected=None, got=None):
    if not cond:
        raise CheckError(message, expected, got)


def check_same(expected, got, message):
    if _norm(expected) != _norm(got):
        raise CheckError(message, expected, got)


def _norm(v):
    return json.dumps(v, sort_keys=True, default=str)


def jsonable(v):
    return json.loads(json.dumps(v, default=str))


def wanted(name, spec=None):
    """Whether a scenario should run: COMPAT_SCENARIO (set by compat/run.mjs --scenario) or the
    driver's optional extra argument is a comma list of names, a trailing * matching a prefix."""
    spec = spec if spec is not None else os.environ.get("COMPAT_SCENARIO", "")
    pats = [p.strip() for p in spec.split(",") if p.strip()]
    if not pats:
        return True
    return any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in pats)


class ScenarioTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise ScenarioTimeout("scenario timed out")


def scenario(name, fn, timeout=120):
    """Runs fn(); it returns None or a dict with 'observed'/'message'; raises CheckError (fail), Skip
    (skip) or anything else (fail with the exception text). Prints the result line. Does nothing
    for a scenario that is not wanted()."""
    if not wanted(name):
        return None
    t0 = time.time()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)  # blocking client calls return periodically, then this raises
    try:
        r = fn() or {}
        res = {"scenario": name, "status": "pass"}
        if r.get("message"):
            res["message"] = r["message"]
        if "observed" in r:
            res["observed"] = jsonable(r["observed"])
    except Skip as e:
        res = {"scenario": name, "status": "skip", "message": str(e)}
    except CheckError as e:
        res = {"scenario": name, "status": "fail", "message": str(e), "expected": jsonable(e.expected), "got": jsonable(e.got)}
    except Exception as e:  # noqa: BLE001 - any client error fails the scenario
        res = {"scenario": name, "status": "fail", "message": "%s: %s" % (type(e).__name__, e)}
        traceback.print_exc(file=sys.stderr)
    finally:
        signal.alarm(0)
    log("scenario", "%s: %s (%d ms)%s" % (name, res["status"], (time.time() - t0) * 1000,
                                         "" if res["status"] == "pass" else " " + res.get("message", "")))
    sys.stdout.write(json.dumps(res) + "\n")
    sys.stdout.flush()
    return res


def wait_for(cond, timeout, step=0.1):
    until = time.time() + timeout
    while True:
        v = cond()
        if v or time.time() > until:
            return v
        time.sleep(step)


def msgs(tag, n):
    """n keyed records; values grow so that compression has something to do."""
    return [("key-%s-%d" % (tag, i), "value-%s-%d-%s" % (tag, i, "abcdefgh" * (10 + i))) for i in range(n)]


def verify_records(sent, got, headers_of=None):
    """sent: [(key, value)]; got: [dict(partition, offset, key, value, headers)] (str key/value).
    Checks exactly the sent records came back, offsets 0..n-1 per partition in send order, and the
    headers (headers_of(i, key) -> expected list of (name, value)). Returns sorted "p:o:key"."""
    by_key = {g["key"]: g for g in got}
    check(len(got) == len(sent) and len(by_key) == len(sent), "expected %d distinct records back" % len(sent),
          [k for k, _ in sent], [g["key"] for g in got])
    order = {k: i for i, (k, _) in enumerate(sent)}
    for i, (k, v) in enumerate(sent):
        g = by_key.get(k)
        check(g is not None, "record %s missing" % k, k, sorted(by_key))
        check(g["value"] == v, "value of %s differs" % k, v, g["value"])
        if headers_of is not None:
            check_same(headers_of(i, k), g["headers"], "headers of %s differ" % k)
    parts = {}
    for g in got:
        parts.setdefault(g["partition"], []).append(g)
    for p, lst in parts.items():
        lst.sort(key=lambda g: g["offset"])
        check_same(list(range(len(lst))), [g["offset"] for g in lst], "partition %d: offsets are not 0..n-1" % p)
        idx = [order[g["key"]] for g in lst]
        check_same(sorted(idx), idx, "partition %d: records are not in send order" % p)
    return sorted("%d:%d:%s" % (g["partition"], g["offset"], g["key"]) for g in got)
