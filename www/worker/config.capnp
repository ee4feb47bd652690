# workerd config for the banking edge worker (www/worker/worker.js).
#   node_modules/.bin/workerd serve www/worker/config.capnp \
#     --socket-addr http=127.0.0.1:8787 --external-addr origin=127.0.0.1:9000 \
#     --external-addr issuer=127.0.0.1:9001
# The worker can reach only the two services it is bound to: the origin it guards and the
# issuer's JWKS endpoint. Paths are relative to this file; the package is the built pkg/.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "guard", worker = .guardWorker),
    (name = "origin", external = (address = "127.0.0.1:9000", http = ())),
    (name = "issuer", external = (address = "127.0.0.1:9001", http = ())),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "guard")],
);

const guardWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "banking.json", json = embed "../../examples/policies/banking.json"),
    (name = "scopegate", esModule = "export * from 'pkg/full/workerd.js';"),
    (name = "pkg/full/workerd.js", esModule = embed "../../pkg/full/workerd.js"),
    (name = "pkg/full/engine.js", esModule = embed "../../pkg/full/engine.js"),
    (name = "pkg/errors.js", esModule = embed "../../pkg/errors.js"),
    (name = "pkg/full/scopegate_bg.wasm", wasm = embed "../../pkg/full/scopegate_bg.wasm"),
  ],
  bindings = [
    (name = "ORIGIN", service = "origin"),
    (name = "JWKS", service = "issuer"),
    (name = "JWKS_URL", text = "http://issuer.internal/.well-known/jwks.json"),
    (name = "ISSUER", text = "https://auth.bank.example"),
    (name = "AUDIENCE", text = "https://api.bank.example"),
  ],
  compatibilityDate = "2025-09-01",
);
