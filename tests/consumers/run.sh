#!/usr/bin/env bash
# sentinelpool used from other projects, as their authors would:
#   meson/       as a meson subproject (subprojects/sentinelpool.wrap)
#   pkg-config/  a Makefile with pkg-config, against an install into a
#                temporary prefix
#   cmake/       find_package(sentinelpool), against the same install
# Each builds an app on getMaster/putMaster, run against one minisentinel
# (the installed one, started as a shell script would), and the MiniRedis
# doctest test of docs/testing.md, run with its build system's test runner.
# Also checked: what is installed, the installed libraries' exported
# symbols, the C++17 #error, what testing_lib=false says, what the
# subproject adds to its parent's build, test list and install, and that
# docs/building.md shows the very files built here.
#   tests/consumers/run.sh [WORK_DIR]   (default: a new temporary directory)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tests/consumers
work=${1:-$(mktemp -d)}
mkdir -p "$work"
python=/usr/bin/python3
[ -x $python ] || python=python3
prefix=$work/prefix
ms_pid=""
cleanup() { [ -z "$ms_pid" ] || kill -KILL "$ms_pid" 2>/dev/null || true; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== consumers: $*"; }

step "install into $prefix"
rm -rf "$prefix"
if [ -d "$work/build-install" ]; then
  meson setup --reconfigure "$work/build-install" "$repo" >/dev/null
else
  # No tests or examples: the consumers need the libraries, headers, files
  # for pkg-config and CMake, and the tools. -O0: the quickest to build.
  meson setup "$work/build-install" "$repo" --prefix="$prefix" -Dtests=disabled -Dexamples=false \
    -Dbuildtype=plain >/dev/null
fi
meson compile -C "$work/build-install" >/dev/null
meson install -C "$work/build-install" --no-rebuild >/dev/null
libdir=$prefix/$(meson introspect --buildoptions "$work/build-install" |
  $python -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"))')
for f in include/sentinelpool/sentinelpool.hpp include/sentinelpool/version.hpp include/sentinelpool/export.hpp \
         include/sentinelpool/testing/mini_redis.hpp bin/miniredis bin/minisentinel share/doc/sentinelpool/LICENSE; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
for f in libsentinelpool.so.0 libsentinelpool-testing.so.0 pkgconfig/sentinelpool.pc pkgconfig/sentinelpool-testing.pc \
         cmake/sentinelpool/sentinelpoolConfig.cmake cmake/sentinelpool/sentinelpoolConfigVersion.cmake; do
  [ -e "$libdir/$f" ] || fail "not installed: $libdir/$f"
done
stray=$(find "$prefix/include" -name 'meson.build' -o -name '*.in')
[ -z "$stray" ] || fail "build files installed: $stray"
grep -qx '#define SENTINELPOOL_VERSION_STRING "[0-9.]*"' "$prefix/include/sentinelpool/version.hpp" ||
  fail "version.hpp has no version string"

step "exported symbols of the installed libraries"
bash "$here/exported_symbols.sh" "$libdir/libsentinelpool.so" "$libdir/libsentinelpool-testing.so"

export PKG_CONFIG_PATH=$libdir/pkgconfig
CXX=${CXX:-c++}

step "a compiler below C++17 gets sentinelpool's #error first"
if err=$(echo '#include <sentinelpool/sentinelpool.hpp>' |
         $CXX -std=c++14 -fsyntax-only $(pkg-config --cflags sentinelpool) -x c++ - 2>&1); then
  fail "-std=c++14 compiled"
fi
first=$(grep -m1 'error' <<<"$err")
grep -q 'sentinelpool needs C++17' <<<"$first" || fail "first error with -std=c++14: $first"

step "minisentinel < /dev/null & (the installed one)"
rm -f "$work/ready"
mkfifo "$work/ready"
"$prefix/bin/minisentinel" --replicas 1 --sentinels 3 </dev/null >"$work/ready" &
ms_pid=$!
IFS= read -r -t 30 ready <"$work/ready" || fail "minisentinel printed nothing"
rm -f "$work/ready"
read -r -a sentinels <<<"$($python -c 'import json, sys; print(" ".join(json.loads(sys.argv[1])["sentinels"]))' "$ready")"
[ ${#sentinels[@]} -eq 3 ] || fail "minisentinel: $ready"
runs=0
run_app() {  # app binary: counts one more run on the master
  runs=$((runs + 1))
  local out
  out=$("$1" "${sentinels[@]}") || fail "$1: $out"
  grep -q "app:runs = $runs\$" <<<"$out" || fail "$1 printed '$out', not run $runs"
  echo "$out"
}

step "pkg-config"
mkdir -p "$work/pkg-config"
make -s -C "$work/pkg-config" -f "$here/pkg-config/Makefile" CXX="$CXX" all
"$work/pkg-config/page-views-test"
run_app "$work/pkg-config/app"

step "CMake find_package"
cmake -S "$here/cmake" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$(command -v "$CXX")" \
  >/dev/null
cmake --build "$work/cmake" >/dev/null
(cd "$work/cmake" && ctest --output-on-failure)
run_app "$work/cmake/app"

step "meson subproject"
sub=$work/meson
rm -rf "$sub" "$work/meson-installed"
# The wrap's url clones this repository, as meson would from subprojects/
# without the checkout there.
rm -rf "$work/wrap-clone"
(cd "$here/meson/subprojects" && git clone -q --no-checkout "$(sed -n 's/^url = //p' sentinelpool.wrap)" "$work/wrap-clone") ||
  fail "the url of sentinelpool.wrap does not clone"
[ "$(git -C "$work/wrap-clone" rev-parse HEAD)" = "$(git -C "$repo" rev-parse HEAD)" ] ||
  fail "the url of sentinelpool.wrap clones another repository"
rm -rf "$work/wrap-clone"
# From the subproject even where an installed sentinelpool could be found
# (the one in $prefix is, through PKG_CONFIG_PATH).
meson setup "$sub" "$here/meson" --force-fallback-for=sentinelpool,sentinelpool-testing >/dev/null
# Nothing of sentinelpool's own tests, benchmarks or examples is in the
# parent's build; its tools are there for find_program but not built.
meson introspect --targets "$sub" | $python -c '
import json, sys
ours = [t for t in json.load(sys.stdin) if t["subproject"] == "sentinelpool"]
allowed = {"sentinelpool", "sentinelpool-objs", "sentinelpool-testing", "sentinelpool-testing-objs",
           "miniredis", "minisentinel"}
assert any(t["name"] == "sentinelpool" for t in ours), "the parent does not build sentinelpool"
extra = sorted(t["name"] for t in ours if t["name"] not in allowed)
assert not extra, "sentinelpool targets in the parent build: %s" % extra
by_default = sorted(t["name"] for t in ours if t["build_by_default"] and t["name"] != "sentinelpool")
assert not by_default, "built by default in the parent: %s" % by_default
print("sentinelpool targets in the parent build:", ", ".join(sorted(t["name"] for t in ours)))'
tests=$(meson test -C "$sub" --list --no-rebuild 2>/dev/null)
[ "$tests" = "page-views" ] || fail "meson test --list in the parent: $tests"
meson compile -C "$sub" >/dev/null
for t in miniredis minisentinel; do
  [ ! -e "$sub/subprojects/sentinelpool/tools/$t/$t" ] || fail "the parent's build built $t"
done
meson test -C "$sub" --print-errorlogs
run_app "$sub/app"
DESTDIR="$work/meson-installed" meson install -C "$sub" --no-rebuild >/dev/null
installed=$(cd "$work/meson-installed" && find . -type f -o -type l | sort)
[ "$installed" = "./usr/local/bin/app" ] || fail "the parent's install installed: $installed"

step "testing_lib=false: dependency('sentinelpool-testing') says why it is missing"
if out=$(meson setup "$work/meson-notesting" "$here/meson" -Dsentinelpool:testing_lib=false \
            --force-fallback-for=sentinelpool,sentinelpool-testing 2>&1); then
  fail "configured without the testing library"
fi
rm -rf "$work/meson-notesting"
grep -q "testing_lib=false" <<<"$out" || fail "no reason given: $out"

step "minisentinel ends on SIGTERM"
kill -TERM "$ms_pid"
rc=0
wait "$ms_pid" || rc=$?
ms_pid=""
[ $rc -eq 0 ] || fail "minisentinel exit status $rc"

step "docs/building.md shows the files built here"
$python - "$repo" <<'EOF'
import pathlib, re, sys
repo = pathlib.Path(sys.argv[1])
doc = (repo / "docs/building.md").read_text()
# Each snippet of a file follows a marker: <!-- file: tests/consumers/... -->
blocks = re.findall(r"<!-- file: (\S+) -->\s*```[a-z]*\n(.*?)```", doc, re.S)
assert len(blocks) >= 5, "docs/building.md has %d file snippets" % len(blocks)
for path, text in blocks:
    real = (repo / path).read_text()
    assert text == real, "docs/building.md differs from %s" % path
print("%d snippets match their files" % len(blocks))
EOF
echo "== consumers: all passed"
