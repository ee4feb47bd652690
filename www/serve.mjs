// Serves the demo on 127.0.0.1: www/ at /, the built package (pkg/) at /pkg/, the example
// policies at /policies/ and their compiled bundles (scripts/table-bundles) at /bundles/, and a mock partner image API at /demo-api/img/<name>.svg that, like the
// real one, wants a token in the access_token query. Usage: node www/serve.mjs [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const mounts = [
  ['/pkg/', join(root, 'pkg')],
  ['/policies/', join(root, 'examples/policies')],
  ['/bundles/', join(root, 'target/table-bundles')],
  ['/', join(root, 'www')],
];
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.sgb': 'application/octet-stream',
};
const colours = { harbour: ['#2f5bea', '#9db4ff'], forest: ['#1f7a4d', '#a6e3c1'], dunes: ['#b7791f', '#f6d58e'] };

function image(name, res) {
  const [dark, light] = colours[name] ?? ['#555', '#ccc'];
  res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
  res.end(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="90"><rect width="120" height="90" fill="${light}"/><circle cx="60" cy="70" r="40" fill="${dark}"/><text x="8" y="18" font-family="sans-serif" font-size="13">${name}</text></svg>`);
}

/**
 * Serves files on 127.0.0.1: `mounts` is a list of [URL prefix, directory], first match wins;
 * `handle(req, res, url)` may answer a request first (return true). Resolves to { url, close }.
 */
export function serveDirectories(mounts, port = 0, handle = () => false) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (handle(req, res, url)) return;
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    const file = mount && join(mount[1], path.slice(mount[0].length));
    if (!mount || (file !== mount[1] && !file.startsWith(mount[1] + sep))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () =>
      ok({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((done) => server.close(done)),
      }));
  });
}

/** The demo: www/, pkg/, the policies and the mock image API. */
export function serveDemo(port = 0) {
  return serveDirectories(mounts, port, (req, res, url) => {
    const imageMatch = /^\/demo-api\/img\/([a-z]+)\.svg$/.exec(url.pathname);
    if (!imageMatch) return false;
    // The mock partner API: an image needs a token in the query (it would verify it; the demo
    // only checks one is there).
    if (!url.searchParams.get('access_token')) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    } else {
      image(imageMatch[1], res);
    }
    return true;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const { url } = await serveDemo(port);
  console.log(`scopegate demo: ${url} (Ctrl-C to stop)`);
}
