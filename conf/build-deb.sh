#!/bin/sh
# Build the Debian packages (debian/) from the working tree, uncommitted
# edits included, and check them with lintian.
#
#   sh conf/build-deb.sh            make -f Makefile.apxs deb
#
# The tree is copied (without .git and build outputs) to build/deb/src and
# built there with dpkg-buildpackage -b, so the working tree is left as it
# is; the .deb, .buildinfo and .changes files land in build/deb/.  The
# build dependencies are installed first when root (conf/install-deps.sh
# deb).  Any lintian error or warning fails the build.
# Environment: LP_DEB_DIR  output directory (default build/deb)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${LP_DEB_DIR:-$top/build/deb}

say() { printf '%s\n' "build-deb: $*" >&2; }

sh "$top/conf/install-deps.sh" deb

rm -rf "$out"
mkdir -p "$out/src"
say "copying the working tree to $out/src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    # tracked and new files, as they are now (deleted ones left out)
    git -C "$top" ls-files -z --cached --others --exclude-standard \
        | (cd "$top" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done; :' sh) \
        | (cd "$top" && tar -cf - -T -) | (cd "$out/src" && tar -xf -)
else
    (cd "$top" && tar -cf - --exclude=./build --exclude=.libs --exclude='*.o' \
        --exclude='*.lo' --exclude='*.slo' --exclude='*.la' \
        --exclude=./test/perl-framework/t/logs .) | (cd "$out/src" && tar -xf -)
fi

say "dpkg-buildpackage -us -uc -b"
(cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
    tail -n 40 "$out/build.log" >&2
    say "the package build failed (whole log: $out/build.log)"
    exit 1
}
rm -rf "$out/src"
changes=$(ls "$out"/*.changes)
say "lintian $(basename "$changes")"
# lintian warns that root should not run it; the warning says nothing of
# the packages
lrc=0
lintian --fail-on error,warning --display-info "$changes" >"$out/lintian.txt" 2>&1 \
    || lrc=$?
grep -v 'running with root privileges is not recommended' "$out/lintian.txt" >&2 || true
[ $lrc -eq 0 ] || { say "lintian found errors or warnings"; exit 1; }
say "built: $(cd "$out" && ls *.deb | tr '\n' ' ')"
