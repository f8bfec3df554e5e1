// Builds dashboard/vendor/plotly-parkdesk-<version>/plotly-parkdesk.min.js and its Brotli
// copy (.br): plotly.js's core, whose scatter is built in, with bar and heatmap — the trace
// types of every Parkdesk chart (entry.js). From this folder:
//     npm ci --ignore-scripts && node build.mjs
// (package.json pins plotly.js and esbuild exactly; dashboard/vendor/README.md).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import zlib from 'node:zlib';

const version = JSON.parse(fs.readFileSync('node_modules/plotly.js/package.json')).version;
// The recipe's revision: raised whenever a change of this recipe changes the bytes, so that
// the address (cached a year by browsers) changes with the content. 2: no CDN default;
// 3: the Russian locale.
const REVISION = 3;
const folder = `../../dashboard/vendor/plotly-parkdesk-${version}-${REVISION}`;
fs.mkdirSync(folder, { recursive: true });
fs.copyFileSync('node_modules/plotly.js/LICENSE', `${folder}/LICENSE`);
const out = `${folder}/plotly-parkdesk.min.js`;

// Nothing is loaded from the internet at run time. plotly.js's only default address on a
// CDN is where geo charts fetch their maps (config.topojsonURL, on plotly's CDN); this
// bundle has no geo traces, so it is never read — it becomes a same-origin path the app
// does not serve, and the build fails if plotly.js stops looking the way this expects.
const TOPOJSON_DEFAULT = /(topojsonURL: \{[^}]*?dflt: )'[^']*'/;
const TOPOJSON_SENTENCE = /'By default, the topojson files are fetched from [^']*',/;
const noCdn = {
    name: 'no-cdn',
    setup(build) {
        build.onLoad({ filter: /plot_api[\\/]plot_config\.js$/ }, (args) => {
            const source = fs.readFileSync(args.path, 'utf8');
            if (!TOPOJSON_DEFAULT.test(source) || !TOPOJSON_SENTENCE.test(source)) {
                throw new Error(`${args.path}: topojsonURL's default is not where expected`);
            }
            return {
                contents: source
                    .replace(TOPOJSON_DEFAULT, "$1'/vendor/plotly-topojson/'")
                    .replace(
                        TOPOJSON_SENTENCE,
                        "'Parkdesk bundles no geo traces: no topojson is ever fetched.',"
                    ),
                loader: 'js',
            };
        });
    },
};
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
    plugins: [noCdn],
});
// No address of a CDN may be left in the bundle (the checks of the repository look too).
if (/cdn\./i.test(fs.readFileSync(out, 'utf8'))) {
    throw new Error(`${out} still names a CDN`);
}
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
