#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer into DIR/install, for `make tsan`.
#
# Why: Debian's libtbb is not instrumented, so TSan cannot see the synchronisation of TBB's task
# scheduler (spawn, steal, join) and reports hundreds of false races in every parallel loop, many
# of them in kcsim's own frames. Suppressing those by TBB frame would hide real races too (every
# task body runs below TBB frames). Instead this script takes the source of the very libtbb-dev
# version installed (Debian's source package, through apt with a private package list, so the
# system's apt configuration is untouched) and builds libtbb with -fsanitize=thread (about 30 s).
# Rebuilt only when the installed libtbb-dev version changes.
set -euo pipefail

dir=${1:?usage: build-tsan-tbb.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
version=$(dpkg-query -W -f='${source:Package}=${source:Version}' libtbb-dev 2>/dev/null) || {
    echo "build-tsan-tbb: libtbb-dev is not installed (run scripts/install-deps.sh)" >&2
    exit 1
}
stamp="$dir/install/.kcsim-version"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    exit 0
fi

echo "build-tsan-tbb: building oneTBB $version with ThreadSanitizer in $dir (once)"
rm -rf "$dir/apt" "$dir/src" "$dir/build" "$dir/install"
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/src"
# The same Debian mirrors as the binary packages, as source entries, in a private list.
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
keyring=/usr/share/keyrings/debian-archive-keyring.gpg  # apt checks the index, the index the files
printf 'deb-src [signed-by=%s] %s %s main\ndeb-src [signed-by=%s] %s %s-security main\ndeb-src [signed-by=%s] %s %s-updates main\n' \
    "$keyring" "$mirror" "$codename" "$keyring" "$security" "$codename" "$keyring" "$mirror" "$codename" >"$dir/apt/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache")
apt-get "${apt_opts[@]}" -qq update >"$dir/apt/update.log" 2>&1 || {
    echo "build-tsan-tbb: apt-get update of the source list failed (network?); see $dir/apt/update.log" >&2
    exit 1
}
(cd "$dir/src" && apt-get "${apt_opts[@]}" -qq source --download-only "$version" >"$dir/apt/source.log" 2>&1) || {
    echo "build-tsan-tbb: could not download Debian's source of $version; see $dir/apt/source.log" >&2
    exit 1
}
(cd "$dir/src" && dpkg-source -x ./*.dsc tbb >"$dir/apt/unpack.log" 2>&1)

cmake -S "$dir/src/tbb" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread \
    -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF \
    -DCMAKE_INSTALL_PREFIX="$dir/install" >"$dir/configure.log"
cmake --build "$dir/build" -j "${JOBS:-2}" >"$dir/build.log"
cmake --install "$dir/build" >/dev/null
echo "$version" >"$stamp"
