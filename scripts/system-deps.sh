#!/usr/bin/env bash
# Installs the Debian packages the LMS needs, and only those that are missing.
#
#   scripts/system-deps.sh          runtime: WeasyPrint's libraries, fonts, poppler-utils
#   scripts/system-deps.sh --test   also what the test suite talks to: chromium, postgresql, redis
#
# Idempotent: when everything is installed it only reports, and needs no root.
set -euo pipefail

RUNTIME_PKGS=(
    libpango-1.0-0        # WeasyPrint: text layout
    libpangoft2-1.0-0     # WeasyPrint: fonts through fontconfig/freetype
    libharfbuzz-subset0   # WeasyPrint: font subsetting in PDFs
    fonts-dejavu-core     # Latin, Greek, Cyrillic and Arabic names on certificates
    fonts-wqy-zenhei      # Chinese, Japanese and Korean names on certificates
    poppler-utils         # pdftotext / pdftoppm (tests and checks read the PDFs back)
)
TEST_PKGS=(
    chromium              # browser tests (Playwright with executable /usr/bin/chromium)
    postgresql            # integration tests: real PostgreSQL
    redis-server          # integration tests: real Redis broker
)

want_test=0
for arg in "$@"; do
    case "$arg" in
        --test) want_test=1 ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "system-deps: unknown argument: $arg (expected --test)" >&2; exit 2 ;;
    esac
done

wanted=("${RUNTIME_PKGS[@]}")
if [ "$want_test" = 1 ]; then
    wanted+=("${TEST_PKGS[@]}")
fi

if ! command -v dpkg >/dev/null 2>&1; then
    echo "system-deps: WARNING: no dpkg here (not Debian/Ubuntu); not installing anything." >&2
    echo "system-deps: make sure these (or your system's equivalents) are installed: ${wanted[*]}" >&2
    exit 0
fi

# Debian's own python3 ships without ensurepip: `python3 -m venv` then needs python3-venv.
py=$(command -v python3 || true)
if [ -n "$py" ] && [ "$(readlink -f "$py")" = "$(readlink -f /usr/bin/python3 2>/dev/null || echo none)" ] \
    && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    wanted+=(python3-venv)
fi

is_installed() {
    # `dpkg -s` also succeeds for removed packages that left config files: check the state.
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for pkg in "${wanted[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system-deps: all present: ${wanted[*]}"
    exit 0
fi

echo "system-deps: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    echo "system-deps: not root; installing with sudo"
    as_root=(sudo)
else
    echo "system-deps: ERROR: these packages are missing and I am not root and sudo is not available:" >&2
    echo "system-deps:   ${missing[*]}" >&2
    echo "system-deps: install them as root:  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
echo "system-deps: installed: ${missing[*]}"
