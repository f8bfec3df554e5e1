"""One module per page: its ``PAGE`` (the arguments of ``dash.register_page``) and a
data-free ``layout``.

The shell registers the modules of ``PAGE_MODULES`` when the app factory has made the
Dash app (Dash pages refuse registration before), so that every page module imports
alone. Each page names the permission (``action``) needed to open it; the shell checks
it, not the page.
"""

PAGE_MODULES = (
    "pages.overview",
    "pages.today",
    "pages.rooms",
    "pages.orders",
    "pages.order_new",
    "pages.order",
    "pages.tickets",
    "pages.ticket",
    "pages.floor",
    "pages.occupancy",
    "pages.payments",
    "pages.events",
    "pages.event",
    "pages.event_ticket",
    "pages.exports",
    "pages.staff",
    "pages.people_import",
    "pages.catalog",
    "pages.not_found_404",
)
