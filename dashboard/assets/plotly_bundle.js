/* plotly.js for dcc.Graph: the bundle vendored in dashboard/vendor/ with the trace types
   of every chart of the app (scatter, bar, heatmap), not the plotly package's full one.

   dcc.Graph loads plotly.js when the first chart appears, from window._dashPlotlyJSURL,
   which Dash's renderer sets (after this file has run) to the full bundle: 4.8 MB,
   1.4 MB compressed, every trace type plotly.js has. This file fixes the address to
   that bundle, of the same version (1.2 MB, 0.33 MB as Brotli); the renderer's
   assignment is ignored. The folder name carries the version (dashboard/delivery.py
   caches it for a year); keep it in step with PLOTLY_BUNDLE there. */
(function () {
  var url = "/vendor/plotly-parkdesk-4.1.1-3/plotly-parkdesk.min.js";
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () {
      return url;
    },
    set: function () {},
  });
})();
