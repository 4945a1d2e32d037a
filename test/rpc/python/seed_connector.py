# The LuaOverMQ Python connector, copied verbatim from the seed's README
# (from "import zmq" to "close"), followed by a driver that calls a purezmq
# RpcServer. The seed's own __main__ example (a fixed endpoint) is replaced
# by the driver, which takes the endpoint from argv and makes the same call.
#
# Usage: python3 seed_connector.py tcp://127.0.0.1:PORT
import zmq
import msgpack

from typing import Any


class RPCRuntimeError(Exception):
    pass


class RPCTimeoutError(Exception):
    pass


class RPCClient:
    RPC_OK = 'OK'

    def __init__(self, uri: str = 'tcp://127.0.0.1:8004', timeout: int = 100):
        self.timeout = timeout
        self.zmq_ctx = zmq.Context()
        self.zmq_skt = self.zmq_ctx.socket(zmq.REQ)
        self.zmq_skt.setsockopt(zmq.RCVTIMEO, timeout)
        self.zmq_skt.setsockopt(zmq.LINGER, 0)
        self.zmq_skt.connect(uri)

    def __enter__(self):
        return self

    def __exit__(self, *args: Any, **kwargs: Any):
        self.close()

    def call(self, method: str, *args: Any, timeout: None | int = None) -> Any:
        self.zmq_skt.send(msgpack.packb([method, *args]))
        if self.zmq_skt.poll(timeout or self.timeout) == zmq.POLLIN:
            s1, s2 = self.zmq_skt.recv_multipart()
            status = s1.decode()
            result = msgpack.unpackb(s2, strict_map_key=False)

            if status == self.RPC_OK:
                return result
            else:
                raise RPCRuntimeError(result)
        else:
            raise RPCTimeoutError()

    def close(self):
        self.zmq_skt.close()


# ---- driver (not part of the seed) ----

def _check(label, got, expected):
    status = "ok" if got == expected else "MISMATCH"
    print(f"{status}: {label} -> {got!r}")
    return got == expected


def _expect_error(label, fn, error_type, text):
    try:
        got = fn()
    except error_type as err:
        message = str(err)
        ok = text in message
        print(f"{'ok' if ok else 'MISMATCH'}: {label} -> {type(err).__name__}: {message}")
        return ok
    print(f"MISMATCH: {label} -> no error, got {got!r}")
    return False


def main(uri):
    results = []
    with RPCClient(uri, timeout=2000) as rpc:
        results.append(_check("your_function", rpc.call("your_function", "arg1", 2, True), ["arg1", 2, True]))
        results.append(_check("my.namespace.mult", rpc.call("my.namespace.mult", 5, 7), 35))
        results.append(_check("calc.add", rpc.call("calc.add", 2, 3), 5))
        results.append(_check("map result", rpc.call("echo", {1: "a", "k": [1.5, None]}), {1: "a", "k": [1.5, None]}))
        results.append(_check("integer keys", rpc.call("echo", {1: "a", 2: "b", -7: "c"}), {1: "a", 2: "b", -7: "c"}))
        results.append(_check("boolean keys", rpc.call("echo", {True: "yes", False: "no"}), {True: "yes", False: "no"}))
        nested = {"t": {1: {2**62: [2**64 - 1, -2**63]}}, "l": [{None: 1}]}
        results.append(_check("nested maps", rpc.call("echo", nested), nested))
        results.append(_check("key order", list(rpc.call("echo", {3: 0, 1: 0, 2: 0}).keys()), [3, 1, 2]))
        results.append(_check("binary", rpc.call("echo", b"\x00\xff"), b"\x00\xff"))
        results.append(_check("big int", rpc.call("echo", 2**63 + 5), 2**63 + 5))
        results.append(_check("64-bit ints", rpc.call("echo", [2**64 - 1, -2**63, 2**53 + 1, -(2**53) - 1]), [2**64 - 1, -2**63, 2**53 + 1, -(2**53) - 1]))
        results.append(_expect_error("unknown method", lambda: rpc.call("nope"), RPCRuntimeError, "function 'nope' not found"))
        results.append(_expect_error("handler error", lambda: rpc.call("fail", "bad"), RPCRuntimeError, "bad"))
        results.append(_check("rpc.ping", rpc.call("rpc.ping"), "pong"))
    with RPCClient(uri, timeout=100) as rpc:
        results.append(_expect_error("timeout", lambda: rpc.call("sleep", 500), RPCTimeoutError, ""))
    # The seed's REQ is stuck after a timeout; a new connector shows the server still serves.
    with RPCClient(uri, timeout=2000) as rpc:
        results.append(_check("after timeout", rpc.call("add", 20, 22), 42))
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 2:
        print("usage: seed_connector.py ENDPOINT", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
