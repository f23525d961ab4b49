// Bundles the client into dist/: index.html, app-HASH.js, main-HASH.css (+ source maps),
// favicon.svg and favicon.ico. Content-hashed names let the server cache them forever;
// index.html is the only file whose name stays put. Run through build.sh.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faviconIco } from './tools/favicon.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: { app: join(src, 'main.js'), style: join(src, 'style.css') },
  outdir: out,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  target: ['chrome100', 'firefox100', 'safari15'],
  format: 'iife',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => /^app-.*\.js$/.test(f));
const css = outputs.find((f) => /^style-.*\.css$/.test(f));
if (!js || !css) throw new Error(`build outputs missing: ${outputs.join(', ')}`);

const html = readFileSync(join(src, 'index.html'), 'utf8').replace('{{JS}}', js).replace('{{CSS}}', css);
writeFileSync(join(out, 'index.html'), html);
copyFileSync(join(src, 'favicon.svg'), join(out, 'favicon.svg'));
writeFileSync(join(out, 'favicon.ico'), faviconIco());
console.log(`web/dist: index.html ${js} ${css} favicon.svg favicon.ico`);
