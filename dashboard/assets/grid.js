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
    {
      className: "badge rounded-pill status-badge status-" + props.data.status,
      title: props.value,
    },
    props.value
  );
};

/* A grid with no rows (pages.components.infinite_grid): nothing matches the filters
   when one of the grid's filters is set — they live in the page's address
   (callbacks.common.sync_grid_with_url) — and otherwise there is nothing yet. */
dagcomponentfuncs.NoRows = function (props) {
  var params = new URLSearchParams(window.location.search);
  var filtered = (props.keys || []).some(function (key) {
    return !!params.get(key);
  });
  return React.createElement(
    "span",
    { className: "grid-no-rows" },
    filtered ? props.filtered : props.empty
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

/* The catalog's lists: a thing's name, marked when it is retired ... */
dagcomponentfuncs.CatalogName = function (props) {
  if (!props.data) {
    return null;
  }
  return React.createElement(
    "span",
    null,
    props.value,
    props.data.active
      ? null
      : React.createElement("span", { className: "badge bg-secondary ms-2" }, props.data.retired)
  );
};

/* ... and the button that retires it or brings it back: its id and its
   data-catalog-toggle name the thing ("retire-tariff-12"); a press is caught below. */
dagcomponentfuncs.CatalogToggle = function (props) {
  if (!props.data) {
    return null;
  }
  var active = props.data.active;
  return React.createElement(
    "button",
    {
      type: "button",
      id: "catalog-toggle-" + props.data.toggle,
      title: props.data.toggle_text,
      className: "btn btn-sm py-0 " + (active ? "btn-outline-secondary" : "btn-outline-success"),
      "data-catalog-toggle": props.data.toggle,
    },
    props.data.toggle_text
  );
};

/* A press of any catalog button that retires or brings back (a list's row, a seat's
   tile) puts what it names into the page's store for the callback (callbacks/catalog.py),
   with the moment, so that pressing again is news. One listener for all: no component
   of each of them for Dash to watch. */
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-catalog-toggle]");
  if (button && window.dash_clientside && window.dash_clientside.set_props) {
    window.dash_clientside.set_props("catalog-toggle-pressed", {
      data: { thing: button.getAttribute("data-catalog-toggle"), at: Date.now() },
    });
  }
});
