# workerd config of the soak test (scripts/soak): the worker of worker.js on the built pkg/.
# Paths are relative to this file; the socket address is set by soak.mjs with --socket-addr.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "soak", worker = .soakWorker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "soak")],
);

const soakWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "banking.json", json = embed "../../../examples/policies/banking.json"),
    (name = "scopegate", esModule = "export * from 'pkg/full/workerd.js';"),
    (name = "pkg/full/workerd.js", esModule = embed "../../../pkg/full/workerd.js"),
    (name = "pkg/full/engine.js", esModule = embed "../../../pkg/full/engine.js"),
    (name = "pkg/errors.js", esModule = embed "../../../pkg/errors.js"),
    (name = "pkg/full/scopegate_bg.wasm", wasm = embed "../../../pkg/full/scopegate_bg.wasm"),
  ],
  bindings = [(name = "SECRET", text = "a-soak-test-secret-of-at-least-32-bytes")],
  compatibilityDate = "2025-09-01",
);
