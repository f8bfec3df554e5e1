// Builds dashboard/vendor/dash-ag-grid-<version>-<revision>/: dash-ag-grid's own bundle
// (dash_ag_grid.min.js and its lazy chunk async-community.js) with the AG Grid modules
// Parkdesk's grids use, instead of every community module, and without the renderers no
// grid here uses (markdown, the row menu: react-markdown, parse5 and MUI); each with its
// Brotli copy (.br). From this folder:
//     npm ci --ignore-scripts && node build.mjs
// dash-ag-grid's JavaScript sources are read from the source maps of the pinned Python
// package (its wheel carries them whole, and npm has no release of this version), so the
// bundle is built from exactly the code the package ships; package.json pins AG Grid and
// the build tools. dashboard/vendor/README.md says more.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import webpack from 'webpack';

// The recipe's revision: raised whenever a change of this recipe changes the bytes, so that
// the address (cached a year by browsers) changes with the content.
const REVISION = 3; // 2: the first block answered before the grid asks; 3: a late one left
const VERSION = '35.3.0'; // the dash-ag-grid package this recipe is written against

const python = process.env.PYTHON || '../../.venv/bin/python';
const pkgDir = execFileSync(python, [
    '-c',
    'import dash_ag_grid, os; print(os.path.dirname(dash_ag_grid.__file__))',
])
    .toString()
    .trim();
const info = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package-info.json')));
if (info.version !== VERSION) {
    throw new Error(`dash-ag-grid ${info.version} installed; this recipe is for ${VERSION}`);
}
const agGridVersion = JSON.parse(fs.readFileSync('node_modules/ag-grid-community/package.json'));
if (info.dependencies['ag-grid-community'] !== agGridVersion.version) {
    throw new Error(
        `dash-ag-grid ${VERSION} is built on ag-grid-community ` +
            `${info.dependencies['ag-grid-community']}, package.json pins ${agGridVersion.version}`
    );
}

// 1. dash-ag-grid's sources, as its source maps carry them.
const src = 'build/src';
fs.rmSync('build', { recursive: true, force: true });
for (const map of ['dash_ag_grid.min.js.map', 'async-community.js.map']) {
    const { sources, sourcesContent } = JSON.parse(fs.readFileSync(path.join(pkgDir, map)));
    sources.forEach((name, i) => {
        const prefix = 'webpack://dash_ag_grid/./src/';
        if (name.startsWith(prefix)) {
            const file = path.join(src, name.slice(prefix.length));
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, sourcesContent[i]);
        }
    });
}
// The entry point, as dash-ag-grid's src/lib/index.js has it.
fs.writeFileSync(
    `${src}/lib/index.js`,
    "import AgGrid, {getApi, getApiAsync} from './components/AgGrid.react';\n\n" +
        'export {AgGrid, getApi, getApiAsync};\n'
);

// 2. Parkdesk's changes, each checked to apply where expected.
function edit(file, from, to) {
    const name = `${src}/lib/${file}`;
    const text = fs.readFileSync(name, 'utf8');
    if (!text.includes(from)) {
        throw new Error(`${name}: not found where expected:\n${from}`);
    }
    fs.writeFileSync(name, text.replace(from, to));
}

// The AG Grid modules of Parkdesk's grids (pages/): the infinite row model of the lists
// and the client-side one of staff and catalog; cell and row classes, row selection,
// wrapped rows of automatic height, the grid's own words; and the APIs that dash-ag-grid
// and dashboard/assets/*.js call on every grid (columns, rows, scrolling, rendering,
// events, cells, filter model, pagination). Without ValidationModule, as AG Grid advises
// for production: a misconfigured grid logs an error code (error #200 names a module
// missing here) instead of its full message, and the browser tests fail on it.
const MODULES = [
    'ClientSideRowModelModule',
    'ClientSideRowModelApiModule',
    'InfiniteRowModelModule',
    'ColumnApiModule',
    'RowApiModule',
    'ScrollApiModule',
    'RenderApiModule',
    'EventApiModule',
    'CellApiModule',
    'ColumnAutoSizeModule',
    'RowSelectionModule',
    'CellStyleModule',
    'RowStyleModule',
    'LocaleModule',
    'RowAutoHeightModule',
    'PaginationModule',
    '_ColumnFilterModule', // getFilterModel/setFilterModel, which dash-ag-grid always calls
];
edit(
    'components/AgGrid.react.js',
    "import {AllCommunityModule, ModuleRegistry} from 'ag-grid-community';",
    `import {ModuleRegistry, ${MODULES.join(', ')}} from 'ag-grid-community';`
);
edit(
    'components/AgGrid.react.js',
    'ModuleRegistry.registerModules([AllCommunityModule]);',
    `ModuleRegistry.registerModules([${MODULES.join(', ')}]);`
);
// No enterprise chunk: Parkdesk's grids are community grids.
edit(
    'components/AgGrid.react.js',
    'const RealAgGridEnterprise = lazy(LazyLoader.agGridEnterprise);',
    'const RealAgGridEnterprise = RealAgGrid; // no enterprise modules in this build'
);
edit(
    'LazyLoader.js',
    `    agGridEnterprise: () =>
        import(
            /* webpackChunkName: "enterprise" */ './fragments/AgGridEnterprise.react'
        ),
`,
    ''
);
// No markdown or row-menu cells (react-markdown with parse5, MUI): none of these grids
// has a column of either.
edit('fragments/AgGrid.react.js', "import MarkdownRenderer from '../renderers/markdownRenderer';\n", '');
edit('fragments/AgGrid.react.js', "import RowMenuRenderer from '../renderers/rowMenuRenderer';\n", '');
edit('fragments/AgGrid.react.js', '            rowMenu: generateRenderer(RowMenuRenderer),\n', '');
edit('fragments/AgGrid.react.js', '            markdown: generateRenderer(MarkdownRenderer),\n', '');
// The themes by name rather than AG Grid's whole namespace, which would keep every module
// in the bundle: a grid option given as a function string sees the themes under `agGrid`.
edit(
    'fragments/AgGrid.react.js',
    `import * as agGrid from 'ag-grid-community';
let themes = {};
if (agGrid && typeof agGrid === 'object' && !Array.isArray(agGrid)) {
    const {themeAlpine, themeBalham, themeMaterial, themeQuartz} = agGrid;
    themes = {themeAlpine, themeBalham, themeMaterial, themeQuartz};
}`,
    `import {themeAlpine, themeBalham, themeMaterial, themeQuartz} from 'ag-grid-community';
const themes = {themeAlpine, themeBalham, themeMaterial, themeQuartz};
const agGrid = themes;`
);

// The first block of an infinite grid, answered before the grid asks for it: a callback
// that runs as the page opens sets getRowsResponse with `prefetched`, the request it
// answers ({startRow, endRow, sortModel}). The grid's first request, if it is that one,
// takes it at once instead of a round trip to the server (a cold list shows its rows
// sooner); any other request, or one made before it came, goes to the server as always.
// Either way it is used or dropped at the grid's first request, never later.
edit(
    'fragments/AgGrid.react.js',
    '    const getRowsParams = useRef(null);\n',
    `    const getRowsParams = useRef(null);
    const earlyResponse = useRef(null);
    const seenEarly = useRef(null); // taken once: a later render may still carry it
    if (
        props.getRowsResponse &&
        props.getRowsResponse.prefetched &&
        props.getRowsResponse !== seenEarly.current
    ) {
        seenEarly.current = props.getRowsResponse;
        earlyResponse.current = props.getRowsResponse;
    }
    const sortOf = (model) =>
        JSON.stringify((model || []).map((s) => [s.colId, s.sort]));
`
);
edit(
    'fragments/AgGrid.react.js',
    `            getRows(params) {
                getRowsParams.current = params;
                if (resettingCount.current) {
                    return;
                }
                customSetProps({getRowsRequest: params});`,
    `            getRows(params) {
                getRowsParams.current = params;
                if (resettingCount.current) {
                    return;
                }
                const early = earlyResponse.current;
                if (early) {
                    earlyResponse.current = null;
                    customSetProps({getRowsResponse: null});
                    const asked = early.prefetched;
                    if (
                        params.startRow === asked.startRow &&
                        params.endRow === asked.endRow &&
                        sortOf(params.sortModel) === sortOf(asked.sortModel) &&
                        isEmpty(params.filterModel || {})
                    ) {
                        prevRowCountRef.current = early.rowCount;
                        params.successCallback(early.rowData, early.rowCount);
                        return;
                    }
                }
                customSetProps({getRowsRequest: params});`
);
edit(
    'fragments/AgGrid.react.js',
    `    useEffect(() => {
        if (isDatasourceLoadedForInfiniteScrolling() && getRowsParams.current) {`,
    `    useEffect(() => {
        if (props.getRowsResponse && props.getRowsResponse.prefetched) {
            if (getRowsParams.current) {
                // Came after the grid asked: its own answer is on the way, and replaces
                // this one (left as it is: emptied, it would read as rows shown).
                earlyResponse.current = null;
            }
            return;
        }
        if (isDatasourceLoadedForInfiniteScrolling() && getRowsParams.current) {`
);

// 3. Bundled as dash-ag-grid bundles itself (its webpack.config.js): window.dash_ag_grid,
// React and PropTypes from the page, the grid itself in a chunk loaded when the first grid
// renders, from the folder of the main bundle (publicPath "auto").
const folder = `../../dashboard/vendor/dash-ag-grid-${VERSION}-${REVISION}`;
fs.rmSync(folder, { recursive: true, force: true });
const stats = await new Promise((resolve, reject) =>
    webpack(
        {
            mode: 'production',
            context: path.resolve('.'),
            entry: { main: `./${src}/lib/index.js` },
            output: {
                path: path.resolve(folder),
                filename: 'dash_ag_grid.min.js',
                chunkFilename: '[name].js',
                library: 'dash_ag_grid',
                libraryTarget: 'window',
                publicPath: 'auto',
            },
            devtool: false,
            externals: { react: 'React', 'react-dom': 'ReactDOM', 'prop-types': 'PropTypes' },
            module: {
                rules: [
                    {
                        exclude: /node_modules/,
                        test: /\.jsx?$/,
                        use: { loader: 'esbuild-loader', options: { target: 'es2017', loader: 'jsx' } },
                    },
                ],
            },
            optimization: {
                splitChunks: {
                    cacheGroups: {
                        async: {
                            chunks: 'async',
                            minSize: 0,
                            name: (module, chunks, cacheGroupKey) =>
                                `${cacheGroupKey}-${chunks[0].name}`,
                        },
                    },
                },
            },
            performance: { hints: false },
        },
        (error, result) => (error ? reject(error) : resolve(result))
    )
);
if (stats.hasErrors() || stats.hasWarnings()) {
    throw new Error(stats.toString({ all: false, errors: true, warnings: true }));
}
const built = fs.readdirSync(folder).sort();
if (built.join(' ') !== 'async-community.js dash_ag_grid.min.js') {
    throw new Error(`${folder}: expected the bundle and its chunk, got ${built}`);
}

// 4. The licenses (both MIT), and each file compressed once at Brotli's best: the app
// sends that copy to browsers that take br.
const dashLicense = fs
    .readdirSync(path.dirname(pkgDir))
    .filter((name) => name.startsWith(`dash_ag_grid-${VERSION}.dist-info`))
    .map((name) => path.join(path.dirname(pkgDir), name, 'licenses', 'LICENSE'))
    .find((name) => fs.existsSync(name));
fs.writeFileSync(
    `${folder}/LICENSE`,
    `dash-ag-grid ${VERSION}\n\n${fs.readFileSync(dashLicense)}\n\n` +
        `ag-grid-community and ag-grid-react ${agGridVersion.version}\n\n` +
        fs.readFileSync('node_modules/ag-grid-community/LICENSE.txt')
);
for (const name of built) {
    const data = fs.readFileSync(`${folder}/${name}`);
    fs.writeFileSync(
        `${folder}/${name}.br`,
        zlib.brotliCompressSync(data, {
            params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
        })
    );
    console.log(`${folder}/${name}: ${data.length} bytes`);
}
fs.rmSync('build', { recursive: true, force: true });
