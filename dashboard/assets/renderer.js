/* A workaround for Dash 4.4.1's renderer (dash/dash-renderer, DashWrapper): every
   component a callback draws anew dispatches RESET_COMPONENT_STATE once it has mounted,
   and the layoutHashes reducer answers each one with a new object, even when it removed
   nothing. A new state makes every mounted component run its selectors again, so a
   callback that draws n components costs n × (all components) selector runs: the events
   list (about 760 components) took 0.7 s of the main thread for this alone, Today's
   sections about 0.1 s.

   A reset whose component has no recorded hashes below it — the reducer's own test:
   the keys that start with its path, joined by commas — would only copy the hashes as
   they are. Those are left out here; every other action reaches the store as before.
   Upstream, the reset clears the stale hashes of redrawn nested children (plotly/dash
   #3330); the cost of redrawing is discussed in #3846 and #3881. Remove this file once
   the pinned Dash no longer answers a reset that resets nothing with a new state
   (tests/browser/test_events.py counts the states). */
(function () {
  "use strict";

  function resetsNothing(store, action) {
    var path = action.payload && action.payload.itempath;
    if (!path) {
      return false;
    }
    var hashes = store.getState().layoutHashes || {};
    var prefix = path.join(",");
    for (var key in hashes) {
      if (Object.prototype.hasOwnProperty.call(hashes, key) && key.indexOf(prefix) === 0) {
        return false;
      }
    }
    return true;
  }

  function patch(store) {
    if (!store || store.__parkdeskResets) {
      return;
    }
    var dispatch = store.dispatch;
    store.dispatch = function (action) {
      if (action && action.type === "RESET_COMPONENT_STATE" && resetsNothing(store, action)) {
        return action;
      }
      return dispatch.apply(this, arguments);
    };
    store.__parkdeskResets = true;
  }

  // The renderer creates its store after every script has run and publishes it as
  // window.store before it renders anything: patched at that moment.
  var current;
  Object.defineProperty(window, "store", {
    configurable: true,
    get: function () {
      return current;
    },
    set: function (store) {
      current = store;
      patch(store);
    },
  });
})();
