/* The floor plan (/floor): the seats drawn from the plan's data in one pass.

   The server's one callback (callbacks/floor.py) sends the room as data: per seat its
   id, name, state, cell, whether in use, the ticket holding it and the texts to show
   (already in the reader's language). Drawn here with the DOM, not as Dash components:
   the renderer takes seconds for a thousand components, this takes milliseconds for
   500 seats. Text goes in as text (textContent, attributes), never as HTML. A link to a
   ticket opens it inside the app, as dcc.Link does. */
window.dash_clientside = window.dash_clientside || {};

/* The room of ``plan`` drawn into the element ``mapId``: a CSS grid of ``plan.columns``
   columns, one tile per seat made by ``tile(seat, grid)`` and placed at its cell
   (``cell(seat)`` gives [x, y]). Returns how many seats were drawn. */
function parkdeskDrawRoom(mapId, plan, minWidth, tile, cell) {
  var map = document.getElementById(mapId);
  if (!map) {
    return window.dash_clientside.no_update;
  }
  if (!plan || !plan.seats) {
    map.replaceChildren();
    return 0;
  }
  var grid = document.createElement("div");
  grid.className = "floor-grid";
  grid.style.gridTemplateColumns = "repeat(" + plan.columns + ", minmax(" + minWidth + ", 1fr))";
  plan.seats.forEach(function (s) {
    var element = tile(s, grid);
    var at = cell(s);
    element.style.gridColumn = String(at[0] + 1);
    element.style.gridRow = String(at[1] + 1);
    grid.appendChild(element);
  });
  map.replaceChildren(grid);
  return plan.seats.length;
}

window.dash_clientside.parkdesk_floor = {
  draw: function (plan) {
    var drawn = parkdeskDrawRoom("floor-map", plan, "4.25rem", function (s) {
      // [id, name, state, x, y, active, ticket number or null, title, label, icon]
      var tile = document.createElement("div");
      tile.className = "floor-seat floor-" + s[2] + (s[5] ? "" : " floor-seat-retired");
      tile.title = s[7];
      tile.setAttribute("data-seat-id", String(s[0]));
      tile.setAttribute("data-seat-label", s[1]);
      tile.setAttribute("data-state", s[2]);
      var inner = document.createElement(s[6] === null ? "span" : "a");
      if (s[6] !== null) {
        inner.href = "/tickets/" + encodeURIComponent(String(s[6]));
      }
      inner.className = "floor-seat-link bi " + s[9];
      inner.setAttribute("aria-label", s[8]);
      inner.textContent = s[1];
      tile.appendChild(inner);
      return tile;
    }, function (s) {
      return [s[3], s[4]];
    });
    var map = document.getElementById("floor-map");
    if (map && !map.dataset.linksInApp) {
      map.dataset.linksInApp = "1";
      map.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a.floor-seat-link");
        if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
            event.altKey) {
          return;
        }
        event.preventDefault();
        window.history.pushState({}, "", link.getAttribute("href"));
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        window.scrollTo(0, 0);
      });
    }
    return drawn;
  },
  /* A ticket's "change the seat": the room's seats, the free ones as buttons; a click
     chooses that seat in the form's select (the save is the select's, one rule). */
  pick: function (plan) {
    return parkdeskDrawRoom("ticket-seat-map", plan, "5.75rem", function (s, grid) {
      // [id, name, x, y, free, current, hover text]
      var tile = document.createElement(s[4] ? "button" : "div");
      var state = s[5] ? "current" : s[4] ? "free" : "taken";
      tile.className = "floor-seat floor-seat-link bi floor-pick-" + state + " " +
        (s[5] ? "bi-geo-alt-fill" : s[4] ? "bi-circle" : "bi-x-circle");
      tile.title = s[6];
      tile.setAttribute("aria-label", s[6]);
      tile.setAttribute("data-seat-id", String(s[0]));
      tile.setAttribute("data-seat-label", s[1]);
      tile.setAttribute("data-state", state);
      tile.textContent = s[1];
      if (s[4]) {
        tile.type = "button";
        tile.setAttribute("aria-pressed", "false");
        tile.addEventListener("click", function () {
          grid.querySelectorAll("[aria-pressed=true]").forEach(function (other) {
            other.setAttribute("aria-pressed", "false");
          });
          tile.setAttribute("aria-pressed", "true");
          window.dash_clientside.set_props("ticket-seat-select", { value: String(s[0]) });
        });
      }
      return tile;
    }, function (s) {
      return [s[2], s[3]];
    });
  },
};
