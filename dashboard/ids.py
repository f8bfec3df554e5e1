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
