#!/usr/bin/env bash
# Copies the pinned front-end libraries (package.json beside this script: htmx, DSFR Chart,
# Leaflet and Leaflet.markercluster, axe-core) into cnfs/static/vendor/ (and axe-core into
# tests/vendor/). Run at development time when a version changes; the copied files are
# committed, so neither the product nor CI needs npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$work/"
[ -f "$here/package-lock.json" ] && cp "$here/package-lock.json" "$work/"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts --silent)
cp "$work/package-lock.json" "$here/package-lock.json"
dest="$root/cnfs/static/vendor"
# axe-core serves the browser tests only: it is not published with the site.
tests_dest="$root/tests/vendor"
rm -rf "$dest" "$tests_dest"
mkdir -p "$dest/htmx" "$dest/dsfr-chart" "$dest/leaflet" "$dest/leaflet.markercluster" \
  "$tests_dest/axe-core"
cp "$work/node_modules/htmx.org/dist/htmx.min.js" "$work/node_modules/htmx.org/LICENSE" "$dest/htmx/"
# DSFR Chart: the bundle of every chart (one Vue runtime for all) and its stylesheet.
chart="$work/node_modules/@gouvfr/dsfr-chart"
cp "$chart/dist/DSFRChart/DSFRChart.js" "$chart/dist/DSFRChart/DSFRChart.css" "$chart/LICENSE" \
  "$dest/dsfr-chart/"
# Leaflet (the public map) with its marker images, and the marker-cluster plugin.
cp -r "$work/node_modules/leaflet/dist/." "$dest/leaflet/"
rm -f "$dest/leaflet/"*.map "$dest/leaflet/leaflet-src"*.js
cp "$work/node_modules/leaflet/LICENSE" "$dest/leaflet/"
cluster="$work/node_modules/leaflet.markercluster"
cp "$cluster/dist/leaflet.markercluster.js" "$cluster/dist/MarkerCluster.css" \
  "$cluster/dist/MarkerCluster.Default.css" "$cluster/MIT-LICENCE.txt" "$dest/leaflet.markercluster/"
cp "$work/node_modules/axe-core/axe.min.js" "$work/node_modules/axe-core/LICENSE" "$tests_dest/axe-core/"
# Source maps are not shipped: drop their references, which the production static storage
# (hashed names) would otherwise try to resolve.
grep -rl "sourceMappingURL" "$dest" | xargs -r sed -i '/sourceMappingURL=/d'
echo "Vendored:"
find "$dest" "$tests_dest" -type f | sort
