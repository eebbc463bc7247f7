# Sourced by the scripts that test the package as a user gets it (test-pkg, test-node,
# test-bundlers): pkg/ packed with `npm pack` and the tarball installed into a fresh project.
# shellcheck shell=bash

# install_package WORK: packs pkg/ into WORK (emptied first) and installs the tarball into the new
# project WORK/consumer (an ES module project without dependencies, so this needs no registry).
# Sets TARBALL (its path) and CONSUMER (the project's directory).
install_package() {
  local work=$1
  if [ ! -f pkg/package.json ]; then
    echo "$(basename "$0"): pkg/ is missing: run \`make pkg\` first" >&2
    exit 1
  fi
  rm -rf "$work"
  mkdir -p "$work/consumer"
  TARBALL=$work/$(cd pkg && npm pack --silent --pack-destination "$work")
  CONSUMER=$work/consumer
  echo "$(basename "$0"): packed $(basename "$TARBALL") ($(wc -c <"$TARBALL") bytes)"
  printf '{ "name": "consumer", "private": true, "type": "module" }\n' >"$CONSUMER/package.json"
  (cd "$CONSUMER" && npm install --no-audit --no-fund --loglevel=error "$TARBALL")
}
