#!/usr/bin/env bash
# Re-extract the messages and merge them into the Russian catalog; then
# translate the new entries in ru/LC_MESSAGES/messages.po (empty msgstr).
set -euo pipefail
cd "$(dirname "$0")/../.."
pybabel extract -F babel.cfg -k N_ -k NC_:1c,2 -k DomainError -k PermissionDenied -k NotFound -k CheckInRefused:2 \
  --no-location --sort-output --project Parkdesk \
  -o dashboard/translations/messages.pot dashboard pages callbacks services models
pybabel update --no-fuzzy-matching --width 100 -i dashboard/translations/messages.pot \
  -d dashboard/translations -l ru
