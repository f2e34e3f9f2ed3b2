# Shared by scripts/bootstrap, scripts/demo and scripts/test (sourced, not run).
# shellcheck shell=bash

CUSTOS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CUSTOS_REPO
# Never let uv fetch an interpreter: Python 3.12 comes from the machine (pyenv or Debian), per .python-version.
export UV_PYTHON_DOWNLOADS=never
# Some environments set PYTHONDONTWRITEBYTECODE; then every pytest worker and every `custos` subprocess
# recompiles Django, pydantic and the app from source, which multiplies the suite's time on 2 cores.
unset PYTHONDONTWRITEBYTECODE
# uv and pip verify TLS against SSL_CERT_FILE when it is set; point them at Debian's bundle (which carries any
# CA the machine's network needs) if nothing else is configured.
if [ -z "${SSL_CERT_FILE:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
    export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
fi

# Where `pip install --user` puts console scripts, so a uv installed by bootstrap is found on the next run.
custos_add_user_bin_to_path() {
    local dir
    for dir in "$HOME/.local/bin" "$HOME/.cargo/bin"; do
        case ":$PATH:" in *":$dir:"*) ;; *) [ -d "$dir" ] && PATH="$dir:$PATH" ;; esac
    done
    export PATH
}

# Prints the path of a working uv, or nothing.
custos_find_uv() {
    custos_add_user_bin_to_path
    local candidate python
    for candidate in "${CUSTOS_UV:-}" "$(command -v uv 2>/dev/null || true)" "$HOME/.local/bin/uv" \
        python3.12 python3; do
        case "$candidate" in
            python3*)
                # A uv that bootstrap installed with pip may sit in an interpreter's own scripts folder.
                python="$candidate"
                command -v "$python" >/dev/null 2>&1 || continue
                candidate="$("$python" -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null || true)" ;;
        esac
        if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" --version >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

custos_now() { date +%s.%N; }
custos_elapsed() { awk -v a="$1" -v b="$(custos_now)" 'BEGIN { printf "%.1f", b - a }'; }

custos_is_ci() { case "${CI:-}" in true | 1 | yes | TRUE | True) return 0 ;; *) return 1 ;; esac; }

custos_banner() {
    # A notice that is hard to miss in a long log.
    printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!! %s\n' "$@"
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n'
}
