"""Container healthcheck: ``python ops/healthcheck.py [path]`` exits 0 if the local gunicorn
answers 200 on ``/readyz`` (or the given path).

It sends the first of ``ALLOWED_HOSTS`` as the Host header (production refuses any other host),
and the health paths are exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``).
"""

import os
import sys
import urllib.request


def main(path="/readyz"):
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
    host = hosts[0].lstrip(".").replace("*", "localhost") if hosts else "localhost"
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            return 0 if response.status == 200 else 1
    except Exception as exc:  # noqa: BLE001 - any failure is "unhealthy"
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
