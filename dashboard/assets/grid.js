/* Cell renderers for the AG Grids (served locally like every other asset). */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions =
  window.dashAgGridComponentFunctions || {});

/* A status as a coloured Bootstrap badge; the row carries the code for the colour. */
dagcomponentfuncs.StatusBadge = function (props) {
  if (!props.data) {
    return null;
  }
  return React.createElement(
    "span",
    { className: "badge rounded-pill status-badge status-" + props.data.status },
    props.value
  );
};

/* Deep blocks as seeks (services/grid.py). AG Grid puts the grid's `context` into
   every block request; this one is read when the request is sent: the sort key of the
   row just before each block being loaded (when the grid holds that row, as it does
   when the user scrolls on) and whether the grid already knows its row count. */
function parkdeskSeekContext(api) {
  var loading = Object.values(api.getCacheBlockState() || {})
    .filter(function (block) {
      return block.pageStatus === "loading" && block.startRow > 0;
    })
    .map(function (block) {
      return block.startRow;
    });
  var after = {};
  if (loading.length) {
    api.forEachNode(function (node) {
      var next = node.rowIndex + 1;
      if (node.data && node.data.sort_key && loading.indexOf(next) >= 0) {
        after[next] = node.data.sort_key;
      }
    });
  }
  return { after: after, counted: api.isLastRowIndexKnown() === true };
}

window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.parkdesk = Object.assign({}, window.dash_clientside.parkdesk, {
  seekFromLastRow: function (gridId) {
    dash_ag_grid.getApiAsync(gridId).then(function (api) {
      api.setGridOption("context", {
        toJSON: function () {
          return parkdeskSeekContext(api);
        },
      });
    });
    return window.dash_clientside.no_update;
  },
});
