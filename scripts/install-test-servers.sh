#!/usr/bin/env bash
# The real servers the integration suites start throwaway instances of (Debian packages):
# OpenLDAP (slapd, ldap-utils), PostgreSQL 15, Chromium (Agents Playground browser test), openssl,
# FreeRADIUS client tools (freeradius-utils: radclient plays the NetScaler in the RADIUS listener's tests).
set -euo pipefail
packages=(slapd ldap-utils postgresql chromium openssl freeradius-utils)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "test servers: all installed"; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
