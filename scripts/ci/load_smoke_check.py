"""CI: `make load`'s smoke run answered, without an error, and wrote what it promises."""

import json
import sys
from pathlib import Path

result = json.loads(Path(sys.argv[1]).read_text())
totals = result["totals"]
problems = []
if totals.get("count", 0) < 20:
    problems.append(f"only {totals.get('count', 0)} requests")
if totals.get("errors", 0):
    problems.append(f"{totals['errors']} errors")
for key in ("commit", "rows", "users", "duration_s", "endpoints", "resources"):
    if not result.get(key):
        problems.append(f"no {key}")
for endpoint in result["endpoints"]:
    if endpoint["errors"]:
        problems.append(f"{endpoint['method']} {endpoint['name']}: {endpoint['errors']} errors")
if problems:
    sys.exit("load smoke run: " + "; ".join(problems))
print(
    f"load smoke run: {totals['count']} requests, 0 errors, p95 {totals['p95_ms']:.0f} ms, "
    f"{len(result['endpoints'])} endpoints, skipped: {len(result.get('skipped', []))}"
)
