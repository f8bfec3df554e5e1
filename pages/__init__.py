"""One module per page: ``dash.register_page`` plus a data-free ``layout``.

``PAGE_MODULES`` is imported by the app factory after the Dash app exists
(Dash pages refuse registration before). Each page names the permission
(``action``) needed to open it; the shell checks it, not the page.
"""

PAGE_MODULES = (
    "pages.overview",
    "pages.orders",
    "pages.order_new",
    "pages.order",
    "pages.tickets",
    "pages.ticket",
    "pages.occupancy",
    "pages.payments",
    "pages.events",
    "pages.event",
    "pages.event_ticket",
    "pages.exports",
    "pages.staff",
    "pages.not_found_404",
)
