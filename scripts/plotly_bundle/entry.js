'use strict';
// Parkdesk's plotly.js: the core (scatter included) with bar and heatmap, the trace
// types of every chart of the app (pages/payments.py, pages/occupancy.py), and the
// Russian locale.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
// The app's other language: dates on the axes, numbers and the mode bar's words in
// Russian for a chart whose config says locale "ru" (pages.components.chart_config).
Plotly.register(require('plotly.js/lib/locales/ru'));
module.exports = Plotly;
