'use strict';
// Parkdesk's plotly.js: the core (scatter included) with bar and heatmap, the trace
// types of every chart of the app (pages/payments.py, pages/occupancy.py).
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
