#!/bin/sh
# install-deps.sh [EXTRA-PACKAGE...] - make sure the Debian packages cushim builds and tests with
# are installed, installing what is missing with apt-get (through sudo when not root).  `make`
# runs it once per build directory, so `make demo` and `make test` work on a fresh machine;
# .ci/run adds the fuzzing compiler.  Exits non-zero, naming the packages, when it cannot.
set -eu
packages="libffi-dev uthash-dev check libzstd-dev pkg-config $*"
missing=
for p in $packages; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "cushim: missing packages:$missing (install them; apt-get is not available here)" >&2
    exit 1
fi
as_root=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
        echo "cushim: missing packages:$missing (run as root or install sudo)" >&2
        exit 1
    }
    as_root=sudo
fi
echo "cushim: installing$missing"
$as_root apt-get update -q
# shellcheck disable=SC2086
$as_root apt-get install -y -q $missing
