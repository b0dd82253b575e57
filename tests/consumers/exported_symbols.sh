#!/usr/bin/env bash
# The shared libraries export their public API and nothing of their
# internals: lists every exported symbol (nm -D --defined-only | c++filt),
# fails on any in a sentinelpool detail namespace, on a public function
# that is missing, and on a soname that is not versioned.
#   exported_symbols.sh path/to/libsentinelpool.so [path/to/libsentinelpool-testing.so]
set -euo pipefail
status=0
for lib in "$@"; do
  name=$(basename "$lib")
  name=${name%%.so*}
  soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
  if ! [[ $soname =~ ^$name\.so\.[0-9]+$ ]]; then
    echo "FAIL $lib: soname '$soname' is not $name.so.<major>"
    status=1
  fi
  symbols=$(nm -D --defined-only "$lib" | c++filt)
  internal=$(grep -E 'sentinelpool::(testing::)?detail::' <<<"$symbols" || true)
  if [ -n "$internal" ]; then
    echo "FAIL $lib exports $(wc -l <<<"$internal") internal symbols:"
    echo "$internal" | head -40
    status=1
  fi
  # A few of the API itself, so an empty or broken export fails too.
  case $name in
    libsentinelpool) expected=('sentinelpool::Client::getMaster(' 'sentinelpool::Client::putMaster('
                               'typeinfo for sentinelpool::Error' 'sentinelpool::Address::parse(') ;;
    libsentinelpool-testing) expected=('sentinelpool::testing::MiniRedis::MiniRedis('
                                       'sentinelpool::testing::Cluster::failover('
                                       'sentinelpool::testing::waitUntil(') ;;
    *) expected=() ;;
  esac
  for e in "${expected[@]}"; do
    if ! grep -qF "$e" <<<"$symbols"; then
      echo "FAIL $lib does not export $e"
      status=1
    fi
  done
  echo "$name: soname $soname, $(wc -l <<<"$symbols") exported symbols, $(grep -c 'sentinelpool::' <<<"$symbols") of them sentinelpool's"
done
exit $status
