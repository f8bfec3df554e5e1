// Builds dashboard/vendor/plotly-parkdesk-<version>/plotly-parkdesk.min.js and its Brotli
// copy (.br): plotly.js's core, whose scatter is built in, with bar and heatmap — the trace
// types of every Parkdesk chart (entry.js). From this folder:
//     npm ci --ignore-scripts && node build.mjs
// (package.json pins plotly.js and esbuild exactly; dashboard/vendor/README.md).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import zlib from 'node:zlib';

const version = JSON.parse(fs.readFileSync('node_modules/plotly.js/package.json')).version;
const folder = `../../dashboard/vendor/plotly-parkdesk-${version}`;
fs.mkdirSync(folder, { recursive: true });
fs.copyFileSync('node_modules/plotly.js/LICENSE', `${folder}/LICENSE`);
const out = `${folder}/plotly-parkdesk.min.js`;
await esbuild.build({
    entryPoints: ['entry.js'],
    outfile: out,
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    define: { global: 'window', 'define.amd': 'false' },
    // Only map traces use a stylesheet (maplibre's), and there are none here.
    loader: { '.css': 'empty' },
    legalComments: 'eof', // the licenses of the bundled packages, at the end
    logLevel: 'info',
});
// Compressed once at Brotli's best: the app sends this copy to browsers that take br.
const data = fs.readFileSync(out);
fs.writeFileSync(
    out + '.br',
    zlib.brotliCompressSync(data, {
        params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
    })
);
