/* Live pages (SPEC §9.3): ask the server every few seconds whether anything changed
   since the revision this page knows (GET /_live, dashboard/live.py). Unchanged: a
   304 with no body. Changed: the new revision and what changed go into the shell's
   store "live-revision", whose data changes only then; each page's own clientside
   callback decides from it whether what it shows is concerned (callbacks/live.py).
   Paused while the tab is hidden; asks at once when it shows again. */
(function () {
  var INTERVAL = 4000; // ms: a change shows within this plus a page's own refresh
  var BACKOFF = 15000; // ms after a failed request (the server restarting, a network cut)
  var token = null;
  var timer = null;
  var busy = false;

  function startToken() {
    var start = document.getElementById("live-start");
    return start ? start.getAttribute("data-token") : null;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function publish(data) {
    var clientside = window.dash_clientside;
    if (clientside && clientside.set_props) {
      clientside.set_props("live-revision", { data: data });
    }
  }

  function poll() {
    if (document.hidden || busy) {
      return; // visibilitychange asks again
    }
    if (token === null) {
      token = startToken();
      if (token === null) {
        schedule(500); // the app has not drawn its frame yet
        return;
      }
    }
    busy = true;
    fetch("/_live?since=" + encodeURIComponent(token), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (response.status === 304) {
          return null;
        }
        if (response.status === 401) {
          throw new Error("logged out"); // the next page load goes to the login form
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        busy = false;
        if (answer && answer.token && answer.token !== token) {
          token = answer.token;
          publish({ token: answer.token, changes: answer.changes });
        }
        schedule(INTERVAL);
      })
      .catch(function (error) {
        busy = false;
        if (String(error && error.message) !== "logged out") {
          schedule(BACKOFF);
        }
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      schedule(0);
    }
  });
  schedule(INTERVAL);
})();

/* A page's refresh on a change (callbacks/live.py): the new value of its version store
   when a change concerns it, else no_update. ``interest`` names the tables the page
   shows; ``seen.order`` (a page of one order or ticket) narrows them to that order. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.parkdesk_live = Object.assign({}, window.dash_clientside.parkdesk_live, {
  concerns: function (revision, tables, seen) {
    if (!revision || !revision.token) {
      return false;
    }
    if (revision.changes === null || revision.changes === undefined) {
      return true; // too many changes, or the server could not tell: everything
    }
    var order = seen && seen.order !== undefined ? seen.order : null;
    // A change is [table, order id, its last change id]. The page of one order has
    // seen every change up to its mark's id: its own action's, shown already.
    var seenUpTo = order !== null ? parseInt(String(seen.mark).split(".")[0], 10) || 0 : 0;
    return revision.changes.some(function (change) {
      if (order !== null) {
        return change[1] === order && change[2] > seenUpTo;
      }
      return tables.indexOf(change[0]) >= 0;
    });
  },
  bump: function (revision, version, seen, tables) {
    if (!window.dash_clientside.parkdesk_live.concerns(revision, tables, seen)) {
      return window.dash_clientside.no_update;
    }
    return (typeof version === "number" ? version : 0) + 1;
  },
  refreshGrid: function (revision, gridId, tables) {
    if (window.dash_clientside.parkdesk_live.concerns(revision, tables, null)) {
      // In place: the rows on screen are asked for again; scroll and selection stay
      // (the grids have getRowId).
      dash_ag_grid.getApiAsync(gridId).then(function (api) {
        api.refreshInfiniteCache();
      });
    }
    return window.dash_clientside.no_update;
  },
});
