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
PAGES_LOCATION = "_pages_location"  # Dash pages' own dcc.Location


def nav_link(page_key: str) -> str:
    return f"nav-link-{page_key}"


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

# Ticket page (SPEC §8)
TICKET_NUMBER = "ticket-number"
TICKET_VERSION = "ticket-version"
TICKET_BODY = "ticket-body"
TICKET_STATUS = "ticket-status"
TICKET_VISITOR = "ticket-visitor"
TICKET_SEAT = "ticket-seat"
TICKET_VALIDATED_AT = "ticket-validated-at"
TICKET_VALIDATED_BY = "ticket-validated-by"
TICKET_VALIDATE = "ticket-validate"
TICKET_RESET_VALIDATION = "ticket-reset-validation"
TICKET_CHANGE_SEAT = "ticket-change-seat"
TICKET_SEAT_MODAL = "ticket-seat-modal"
TICKET_SEAT_SELECT = "ticket-seat-select"
TICKET_SEAT_SAVE = "ticket-seat-save"
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
