"""The fields of a customer's order form (``Order.form_fields``) that Parkdesk knows,
with their labels, in the order the order page shows them (SPEC §9.1 "Readable
service details").

The form is JSON written by the customer app, so it may carry keys that are not
here; the order page shows those too, after these, with a name made from the key.
"""

from __future__ import annotations

from enum import StrEnum

from models.statuses import NC_, Label


class FormField(StrEnum):
    """Known keys, in the order they are shown: where, what, when, then extras."""

    BUILDING = "building"
    OFFICE = "office"
    DESCRIPTION = "description"
    WANTED_AT = "wanted_at"  # ISO datetime: when the customer wants the service
    BRING = "bring"  # list of things the executor should bring
    READY_AT = "ready_at"  # ISO datetime: when a goods order is to be ready
    TAKEAWAY = "takeaway"  # bool: goods packed to take away


FORM_FIELD_LABELS: dict[FormField, Label] = {
    FormField.BUILDING: NC_("form field", "Building"),
    FormField.OFFICE: NC_("form field", "Office"),
    FormField.DESCRIPTION: NC_("form field", "Description of the work"),
    FormField.WANTED_AT: NC_("form field", "Wanted date and time"),
    FormField.BRING: NC_("form field", "What to bring"),
    FormField.READY_AT: NC_("form field", "Ready time"),
    FormField.TAKEAWAY: NC_("form field", "Pack to take away"),
}

# Fields whose value is a moment (an ISO string in the JSON).
MOMENT_FIELDS = frozenset({FormField.WANTED_AT, FormField.READY_AT})
