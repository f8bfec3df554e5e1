"""Element ids. The ones named in SPEC §8 are a contract with the acceptance
tests; keep them stable. Kebab-case, the page as prefix."""

# Login form (a plain Flask template: dashboard/templates/login.html)
LOGIN_EMAIL = "login-email"
LOGIN_PASSWORD = "login-password"
LOGIN_SUBMIT = "login-submit"
LOGIN_ERROR = "login-error"

# Shell
NAV_USER = "nav-user"
LOGOUT = "logout"
NAV_LANG_EN = "nav-lang-en"
NAV_LANG_RU = "nav-lang-ru"
SHELL_LANGUAGE = "shell-language"
SHELL_ALERT = "shell-alert"  # "try again" when the database is away (sent by the server)
PAGES_LOCATION = "_pages_location"  # Dash pages' own dcc.Location
NAV_TOGGLER = "nav-toggler"
NAV_COLLAPSE = "nav-collapse"
NAV_SETUP = "nav-setup"  # the admin's setup pages (staff, catalog, import) in one menu
PAGE_FORBIDDEN = "page-forbidden"
PAGE_NOT_FOUND = "page-not-found"
# Live (SPEC §9.3): the last revision polled by dashboard/assets/live.js and what changed
# in it ({"token": …, "changes": [[table, order id], …] or null for "everything"}); its
# data changes only when something changed. LIVE_START carries the revision the page
# was built at (data-token), where the polling starts.
LIVE_REVISION = "live-revision"
LIVE_START = "live-start"

# Notifications in the navbar (SPEC §8: the badge's text is the unread count)
NAV_NOTIFICATIONS = "nav-notifications"
NOTIFICATIONS_LIST = "notifications-list"
NOTIFICATIONS_MENU = "notifications-menu"
NOTIFICATIONS_OPENER = "notifications-opener"  # the bell's box: its clicks open the menu
NOTIFICATIONS_WANTED = "notifications-wanted"  # the list is read when this changes
NOTIFICATIONS_ITEM = "notifications-item"  # pattern: {"type": …, "id": notification id}
NOTIFICATIONS_READ_ALL = "notifications-read-all"
NOTIFICATIONS_VERSION = "notifications-version"  # bumped by marking read: count again


def nav_link(page_key: str) -> str:
    return f"nav-link-{page_key}"


# Overview
OVERVIEW_FIGURES = "overview-figures"
OVERVIEW_SETUP = "overview-setup"  # a house with nothing on sale: how to set it up

# Coworking tickets list (SPEC §8)
TICKETS_GRID = "tickets-grid"
TICKETS_FILTER_NUMBER = "tickets-filter-number"
TICKETS_FILTER_VISITOR = "tickets-filter-visitor"
TICKETS_FILTER_STATUS = "tickets-filter-status"
TICKETS_FILTER_FROM = "tickets-filter-from"
TICKETS_FILTER_TO = "tickets-filter-to"
TICKETS_FILTER_RESET = "tickets-filter-reset"
TICKETS_FILTERS = "tickets-filters"
TICKETS_SYNC = "tickets-sync"
TICKETS_COUNT = "tickets-count"
TICKETS_ACTIONS = "tickets-actions"
TICKETS_NEW_ORDER = "tickets-new-order"

# Ticket page (SPEC §8)
TICKET_NUMBER = "ticket-number"
TICKET_VERSION = "ticket-version"
TICKET_SEEN = "ticket-seen"  # the ticket's order and its change mark when shown
TICKET_BODY = "ticket-body"
TICKET_STATUS = "ticket-status"
TICKET_VISITOR = "ticket-visitor"
TICKET_SEAT = "ticket-seat"
TICKET_VARIANT = "ticket-variant"
TICKET_MODIFIERS = "ticket-modifiers"
TICKET_VALIDATED_AT = "ticket-validated-at"
TICKET_VALIDATED_BY = "ticket-validated-by"
TICKET_VALIDATE = "ticket-validate"
TICKET_RESET_VALIDATION = "ticket-reset-validation"
TICKET_CHANGE_SEAT = "ticket-change-seat"
TICKET_SEAT_MODAL = "ticket-seat-modal"
TICKET_SEAT_SELECT = "ticket-seat-select"
TICKET_SEAT_SAVE = "ticket-seat-save"
TICKET_SEAT_PLAN = "ticket-seat-plan"  # the room's seats to pick from, as data
TICKET_SEAT_MAP = "ticket-seat-map"  # drawn by dashboard/assets/floor.js
TICKET_SEAT_DRAWN = "ticket-seat-drawn"
TICKET_CHANGE_VISITOR = "ticket-change-visitor"
TICKET_VISITOR_MODAL = "ticket-visitor-modal"
TICKET_VISITOR_SEARCH = "ticket-visitor-search"
TICKET_VISITOR_CHOICE = "ticket-visitor-choice"
TICKET_VISITOR_LAST = "ticket-visitor-last"
TICKET_VISITOR_FIRST = "ticket-visitor-first"
TICKET_VISITOR_PHONE = "ticket-visitor-phone"
TICKET_VISITOR_EMAIL = "ticket-visitor-email"
TICKET_VISITOR_SAVE = "ticket-visitor-save"
TICKET_FEEDBACK = "ticket-feedback"
TICKET_AUDIT = "ticket-audit"
TICKET_ORDER_LINK = "ticket-order-link"

# Orders register (SPEC §8)
ORDERS_GRID = "orders-grid"
ORDERS_FILTER_NUMBER = "orders-filter-number"
ORDERS_FILTER_STATUS = "orders-filter-status"
ORDERS_FILTER_TYPE = "orders-filter-type"
ORDERS_FILTER_CUSTOMER = "orders-filter-customer"
ORDERS_FILTER_EXECUTOR = "orders-filter-executor"
ORDERS_FILTER_FROM = "orders-filter-from"
ORDERS_FILTER_TO = "orders-filter-to"
ORDERS_FILTER_BALANCE = "orders-filter-balance"
ORDERS_FILTER_OVERDUE = "orders-filter-overdue"
ORDERS_FILTER_RESET = "orders-filter-reset"
ORDERS_FILTERS = "orders-filters"
ORDERS_SYNC = "orders-sync"
ORDERS_COUNT = "orders-count"
ORDERS_EXPORT = "orders-export"
ORDERS_NEW = "orders-new"
ORDERS_ACTIONS = "orders-actions"

# New coworking order
ORDER_NEW_LOAD = "order-new-load"
ORDER_NEW_CUSTOMER_MODE = "order-new-customer-mode"
ORDER_NEW_REGISTERED = "order-new-registered"
ORDER_NEW_SEARCH = "order-new-search"
ORDER_NEW_CHOICE = "order-new-choice"
ORDER_NEW_FOUND = "order-new-found"
ORDER_NEW_NEW_CUSTOMER = "order-new-new-customer"
ORDER_NEW_LAST = "order-new-last"
ORDER_NEW_FIRST = "order-new-first"
ORDER_NEW_PHONE = "order-new-phone"
ORDER_NEW_EMAIL = "order-new-email"
ORDER_NEW_SERVICE = "order-new-service"
ORDER_NEW_TARIFF = "order-new-tariff"
ORDER_NEW_DATE = "order-new-date"
ORDER_NEW_TIME = "order-new-time"
ORDER_NEW_QUANTITY = "order-new-quantity"
ORDER_NEW_SEAT = "order-new-seat"
ORDER_NEW_METHOD = "order-new-method"
ORDER_NEW_VARIANT = "order-new-variant"
ORDER_NEW_MODIFIERS = "order-new-modifiers"
ORDER_NEW_AMOUNT = "order-new-amount"
ORDER_NEW_AMOUNT_HINT = "order-new-amount-hint"
ORDER_NEW_NUMBER = "order-new-number"
ORDER_NEW_KEY = "order-new-key"
ORDER_NEW_QUOTE = "order-new-quote"
ORDER_NEW_PERIOD = "order-new-period"
ORDER_NEW_TOTAL = "order-new-total"
ORDER_NEW_SAVE = "order-new-save"
ORDER_NEW_FEEDBACK = "order-new-feedback"

# Order page (SPEC §8)
ORDER_NUMBER = "order-number"
ORDER_VERSION = "order-version"
ORDER_SEEN = "order-seen"  # the order and its change mark when shown
ORDER_BODY = "order-body"
ORDER_STATUS = "order-status"
ORDER_TOTAL = "order-total"
ORDER_PAID = "order-paid"
ORDER_BALANCE = "order-balance"
ORDER_RECORD_PAYMENT = "order-record-payment"
ORDER_PAYMENT_MODAL = "order-payment-modal"
ORDER_PAYMENT_KEY = "order-payment-key"
PAYMENT_AMOUNT = "payment-amount"
PAYMENT_METHOD = "payment-method"
PAYMENT_LIMITS = "payment-limits"
PAYMENT_NUMBER = "payment-number"  # SPEC §8, the external number (optional)
PAYMENT_SAVE = "payment-save"
ORDER_FEEDBACK = "order-feedback"
ORDER_DEADLINE = "order-deadline"
ORDER_DEADLINE_INPUT = "order-deadline-input"
ORDER_DEADLINE_SAVE = "order-deadline-save"
ORDER_DETAILS = "order-details"  # the customer's form fields
ORDER_CANCEL = "order-cancel"
ORDER_CANCEL_MODAL = "order-cancel-modal"
ORDER_CANCEL_CONFIRM = "order-cancel-confirm"
ORDER_CANCEL_KEEP = "order-cancel-keep"
ORDER_RECORD_REFUND = "order-record-refund"  # SPEC §8
ORDER_REFUND_MODAL = "order-refund-modal"
ORDER_REFUND_KEY = "order-refund-key"
REFUND_AMOUNT = "refund-amount"  # SPEC §8
REFUND_METHOD = "refund-method"  # SPEC §8, a native select
REFUND_NUMBER = "refund-number"  # SPEC §8
REFUND_SAVE = "refund-save"  # SPEC §8
ORDER_CLOSE = "order-close"
ORDER_CLOSE_MODAL = "order-close-modal"
ORDER_CLOSE_AS = "order-close-as"
ORDER_CLOSE_CONFIRM = "order-close-confirm"
ORDER_CLOSE_KEEP = "order-close-keep"
ORDER_ISSUE_INVOICE = "order-issue-invoice"
ORDER_INVOICE_LINK = "order-invoice-link"
ORDER_ACT_LINK = "order-act-link"
ORDER_EXECUTOR_NAME = "order-executor-name"
ORDER_EXECUTOR = "order-executor"
ORDER_EXECUTOR_SAVE = "order-executor-save"
ORDER_WORK = "order-work"  # pattern-matching: {"type": ORDER_WORK, "action": …}
ORDER_CHAT = "order-chat"
ORDER_MESSAGE_TEXT = "order-message-text"
ORDER_MESSAGE_INTERNAL = "order-message-internal"
ORDER_MESSAGE_SEND = "order-message-send"
ORDER_AUDIT = "order-audit"
ORDER_PAYMENTS = "order-payments"

# Occupancy (SPEC §8)
OCCUPANCY_PRESET = "occupancy-preset"
OCCUPANCY_FROM = "occupancy-from"
OCCUPANCY_TO = "occupancy-to"
OCCUPANCY_BUILDING = "occupancy-building"
OCCUPANCY_ROOM = "occupancy-room"
OCCUPANCY_DAILY = "occupancy-daily"
OCCUPANCY_HEATMAP = "occupancy-heatmap"
OCCUPANCY_BY_ROOM = "occupancy-by-room"
OCCUPANCY_FIGURES = "occupancy-figures"
OCCUPANCY_NO_SEATS = "occupancy-no-seats"
OCCUPANCY_DATA = "occupancy-data"
OCCUPANCY_DOWNLOAD = "occupancy-download"
OCCUPANCY_CSV = "occupancy-csv"  # pattern-matching: {"type": OCCUPANCY_CSV, "chart": …}
OCCUPANCY_BOOKS = "occupancy-books"

# /floor (SPEC §8, second release)
FLOOR_ROOM = "floor-room"
FLOOR_AT = "floor-at"
FLOOR_MAP = "floor-map"
FLOOR_SUMMARY = "floor-summary"
FLOOR_PLAN = "floor-plan"  # the room as data, which dashboard/assets/floor.js draws
FLOOR_DRAWN = "floor-drawn"  # how many seats the script drew
FLOOR_LEGEND = "floor-legend"
FLOOR_VERSION = "floor-version"  # bumped when a ticket, order or seat changed
FLOOR_FOLLOW = "floor-follow"  # the plan shows now: a live refresh moves the moment on

# Payments & balances and exports
BALANCES_GRID = "balances-grid"  # SPEC §8
BALANCES_FILTER_BUCKET = "balances-filter-bucket"
BALANCES_FILTER_CUSTOMER = "balances-filter-customer"
BALANCES_FILTER_TYPE = "balances-filter-type"
BALANCES_FILTER_RESET = "balances-filter-reset"
BALANCES_FILTERS = "balances-filters"
BALANCES_SYNC = "balances-sync"
BALANCES_COUNT = "balances-count"
BALANCES_BUCKET = "balances-bucket"  # pattern-matching: {"type": BALANCES_BUCKET, "bucket": …}


# Families of ids, one element per key: ``one_of(family, key)``.
BALANCES_BUCKET_CARD = "balances-bucket-card"  # an age bucket's card (its border: chosen)
BALANCES_BUCKET_FIGURES = "balances-bucket-figures"  # its balance due and orders
FAMILIES = (BALANCES_BUCKET_CARD, BALANCES_BUCKET_FIGURES)


def one_of(family: str, key: str) -> str:
    """The id of a family's element for ``key`` (an age bucket's card: its code)."""
    return f"{family}-{key}"


PAYMENTS_GRID = "payments-grid"  # SPEC §8
PAYMENTS_FILTER_FROM = "payments-filter-from"
PAYMENTS_FILTER_TO = "payments-filter-to"
PAYMENTS_FILTER_METHOD = "payments-filter-method"
PAYMENTS_PRESET = "payments-preset"  # pattern-matching: {"type": PAYMENTS_PRESET, "preset": …}
PAYMENTS_FILTERS = "payments-filters"
PAYMENTS_SYNC = "payments-sync"
PAYMENTS_COUNT = "payments-count"
PAYMENTS_REVENUE = "payments-revenue"
PAYMENTS_REVENUE_DAILY = "payments-revenue-daily"
PAYMENTS_REVENUE_METHODS = "payments-revenue-methods"
# The charts' row (drawn once the journal shows rows) and the filters it was drawn for.
PAYMENTS_CHARTS = "payments-charts"
PAYMENTS_CHARTS_FOR = "payments-charts-for"
EXPORTS_PAYMENTS_FROM = "exports-payments-from"
EXPORTS_PAYMENTS_TO = "exports-payments-to"
EXPORTS_PAYMENTS_SEP = "exports-payments-sep"
EXPORTS_PAYMENTS_LINK = "exports-payments-link"
EXPORTS_PAYMENTS_NOTE = "exports-payments-note"
EXPORTS_ORDERS_FROM = "exports-orders-from"
EXPORTS_ORDERS_TO = "exports-orders-to"
EXPORTS_ORDERS_SEP = "exports-orders-sep"
EXPORTS_ORDERS_LINK = "exports-orders-link"
EXPORTS_ORDERS_NOTE = "exports-orders-note"
EXPORTS_BALANCES_AT = "exports-balances-at"
EXPORTS_BALANCES_SEP = "exports-balances-sep"
EXPORTS_BALANCES_LINK = "exports-balances-link"
EXPORTS_BALANCES_NOTE = "exports-balances-note"

# Events
EVENTS_BODY = "events-body"
EVENTS_PAST_LIMIT = "events-past-limit"
EVENTS_PAST_MORE = "events-past-more"
EVENT_ID = "event-id"
EVENT_HEADER = "event-header"
EVENT_DESK = "event-desk"
EVENT_FOCUS = "event-focus"
EVENT_REFRESH = "event-refresh"
CHECKIN_INPUT = "checkin-input"  # SPEC §8
CHECKIN_RESULT = "checkin-result"  # SPEC §8
CHECKIN_COUNTER = "checkin-counter"
CHECKIN_PROGRESS = "checkin-progress"
EVENT_TICKETS = "event-tickets"
EVENT_TICKETS_GRID = "event-tickets-grid"
EVENT_TICKETS_SEARCH = "event-tickets-search"
EVENT_TICKETS_STATE = "event-tickets-state"
EVENT_TICKETS_FILTERS = "event-tickets-filters"
EVENT_TICKETS_SYNC = "event-tickets-sync"
EVENT_TICKETS_COUNT = "event-tickets-count"
EVENT_TICKETS_REFRESH = "event-tickets-refresh"
EVENT_FEEDBACK = "event-feedback"
EVENT_REVERT_MODAL = "event-revert-modal"
EVENT_REVERT_TEXT = "event-revert-text"
EVENT_REVERT_NUMBER = "event-revert-number"
EVENT_REVERT_CONFIRM = "event-revert-confirm"
EVENT_TICKET_NUMBER = "event-ticket-number"
EVENT_TICKET_BODY = "event-ticket-body"
EVENT_TICKET_STATE = "event-ticket-state"
EVENT_TICKET_QR = "event-ticket-qr"
EVENT_TICKET_PRINT = "event-ticket-print"
EVENT_TICKET_PRINTED = "event-ticket-printed"
EVENT_TICKET_AUDIT = "event-ticket-audit"

# /import (admin): people from CSV, previewed before they are taken
IMPORT_UPLOAD = "import-upload"
IMPORT_FILE = "import-file"
IMPORT_PREVIEW = "import-preview"
IMPORT_CONFIRM = "import-confirm"
IMPORT_FEEDBACK = "import-feedback"
# Staff accounts (SPEC §8: grid, add, e-mail, name, role, password, save, feedback,
# deactivate, activate)
STAFF_GRID = "staff-grid"
STAFF_VERSION = "staff-version"  # bumped after each change: the grid reads itself again
STAFF_ADD = "staff-add"
STAFF_FORM = "staff-form"
STAFF_ACCOUNT = "staff-account"  # the account the form shows; None: a new account
STAFF_EMAIL = "staff-email"
STAFF_NAME = "staff-name"
STAFF_ROLE = "staff-role"
STAFF_PASSWORD = "staff-password"
STAFF_SAVE = "staff-save"
STAFF_CANCEL = "staff-cancel"
STAFF_RESET_PASSWORD = "staff-reset-password"
STAFF_DEACTIVATE = "staff-deactivate"
STAFF_ACTIVATE = "staff-activate"
STAFF_CONFIRM = "staff-confirm"  # "deactivate this account?" with its two buttons
STAFF_DEACTIVATE_CONFIRM = "staff-deactivate-confirm"
STAFF_CONFIRM_CANCEL = "staff-confirm-cancel"
STAFF_FEEDBACK = "staff-feedback"
# Catalog (SPEC §8: the building, room, seats, service and tariff forms, the feedback)
CATALOG_VERSION = "catalog-version"
CATALOG_FEEDBACK = "catalog-feedback"
CATALOG_BUILDING_NAME = "catalog-building-name"
CATALOG_BUILDING_SAVE = "catalog-building-save"
CATALOG_BUILDINGS = "catalog-buildings"
CATALOG_ROOM_BUILDING = "catalog-room-building"
CATALOG_ROOM_NAME = "catalog-room-name"
CATALOG_ROOM_KIND = "catalog-room-kind"
CATALOG_ROOM_CAPACITY = "catalog-room-capacity"
CATALOG_ROOM_HOURS = "catalog-room-hours"
CATALOG_ROOM_SAVE = "catalog-room-save"
CATALOG_ROOMS = "catalog-rooms"
CATALOG_SEATS_ROOM = "catalog-seats-room"
CATALOG_SEATS_COUNT = "catalog-seats-count"
CATALOG_SEATS_SAVE = "catalog-seats-save"
CATALOG_SEATS = "catalog-seats"
CATALOG_SEAT_PICK = "catalog-seat-pick"
CATALOG_SEAT_LABEL = "catalog-seat-label"
CATALOG_SEAT_RENAME = "catalog-seat-rename"
CATALOG_SERVICE_NAME = "catalog-service-name"
CATALOG_SERVICE_TYPE = "catalog-service-type"
CATALOG_SERVICE_ROOM = "catalog-service-room"
CATALOG_SERVICE_PARTIAL = "catalog-service-partial"
CATALOG_SERVICE_PREPAYMENT = "catalog-service-prepayment"
CATALOG_SERVICE_CANCELLABLE = "catalog-service-cancellable"
CATALOG_SERVICE_MIN_REMAINING = "catalog-service-min-remaining"
CATALOG_SERVICE_SAVE = "catalog-service-save"
CATALOG_SERVICES = "catalog-services"
CATALOG_TARIFF_SERVICE = "catalog-tariff-service"
CATALOG_TARIFF_NAME = "catalog-tariff-name"
CATALOG_TARIFF_UNIT = "catalog-tariff-unit"
CATALOG_TARIFF_PRICE = "catalog-tariff-price"
CATALOG_TARIFF_SAVE = "catalog-tariff-save"
CATALOG_TARIFFS = "catalog-tariffs"
# each list's grid, the wrapper hidden while it is empty, and the words said then
CATALOG_BUILDINGS_GRID = "catalog-buildings-grid"
CATALOG_BUILDINGS_ROWS = "catalog-buildings-rows"
CATALOG_BUILDINGS_EMPTY = "catalog-buildings-empty"
CATALOG_ROOMS_GRID = "catalog-rooms-grid"
CATALOG_ROOMS_ROWS = "catalog-rooms-rows"
CATALOG_ROOMS_EMPTY = "catalog-rooms-empty"
CATALOG_SERVICES_GRID = "catalog-services-grid"
CATALOG_SERVICES_ROWS = "catalog-services-rows"
CATALOG_SERVICES_EMPTY = "catalog-services-empty"
CATALOG_TARIFFS_GRID = "catalog-tariffs-grid"
CATALOG_TARIFFS_ROWS = "catalog-tariffs-rows"
CATALOG_TARIFFS_EMPTY = "catalog-tariffs-empty"
# the retire / bring back buttons: id "catalog-toggle-<action>-<kind>-<id>"; a press puts
# {"thing": "<action>-<kind>-<id>", "at": ms} into CATALOG_TOGGLE_PRESSED (assets/grid.js)
CATALOG_TOGGLE = "catalog-toggle"
CATALOG_TOGGLE_PRESSED = "catalog-toggle-pressed"
CATALOG_PRICE_TARIFF = "catalog-price-tariff"
CATALOG_PRICE_VALUE = "catalog-price-value"
CATALOG_PRICE_SAVE = "catalog-price-save"

# Today (SPEC §8, second release): one section per id, each row a link
TODAY_BODY = "today-body"
TODAY_VERSION = "today-version"  # bumped when something Today shows changed
TODAY_ARRIVALS = "today-arrivals"
TODAY_IN_HOUSE = "today-in-house"
TODAY_NO_SHOWS = "today-no-shows"
TODAY_UNPAID = "today-unpaid"
TODAY_REQUESTS = "today-requests"
TODAY_EVENTS = "today-events"


def today_section(part: str) -> str:
    return f"today-{part}"


# Meeting rooms (SPEC §8, second release)
ROOMS_DATE = "rooms-date"
ROOMS_TIMELINE = "rooms-timeline"
