# workerd config for the tables worker. Copied by scripts/test-runtimes into
# <scratch>/runtimes/workerd/, so embedded paths are relative to that directory and the package
# is the one installed in <scratch>/node_modules. The module named "scopegate" stands for the
# package's `workerd` export condition; the package's own modules keep their relative names.
# Listens on the socket named "http"; the script overrides its address with --socket-addr.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "tables-data.js", esModule = embed "../tables-data.js"),
    (name = "web/run-tables.js", esModule = embed "../web/run-tables.js"),
    (name = "web/remote-bundle.js", esModule = embed "../web/remote-bundle.js"),
    (name = "hono-scenario.js", esModule = embed "../hono-scenario.js"),
    (name = "scopegate/hono", esModule = "export * from '../node_modules/scopegate/adapters/hono.js';"),
    (name = "node_modules/scopegate/adapters/hono.js", esModule = embed "../../node_modules/scopegate/adapters/hono.js"),
    # workerd resolves every specifier against the importing module's name (no package lookup, as
    # wrangler's bundler would do): the adapter's `import ... from 'scopegate'` lands here.
    (name = "node_modules/scopegate/adapters/scopegate", esModule = "export * from '../full/workerd.js';"),
    (name = "scopegate", esModule = "export * from 'node_modules/scopegate/full/workerd.js';"),
    (name = "node_modules/scopegate/full/workerd.js", esModule = embed "../../node_modules/scopegate/full/workerd.js"),
    (name = "node_modules/scopegate/full/engine.js", esModule = embed "../../node_modules/scopegate/full/engine.js"),
    (name = "node_modules/scopegate/errors.js", esModule = embed "../../node_modules/scopegate/errors.js"),
    (name = "node_modules/scopegate/full/scopegate_bg.wasm", wasm = embed "../../node_modules/scopegate/full/scopegate_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
