"""Container healthcheck: GET /healthz on this container's own port, the way the proxy sends it.

Usage: python deploy/healthcheck.py [PORT]   (default 8000; the ``ws`` service passes 8001)

The request carries a Host header taken from ALLOWED_HOSTS (so Django does not answer 400) and
``X-Forwarded-Proto: https`` (so HTTPS=true does not answer with a redirect to https://). /healthz
runs ``SELECT 1``, so a healthy container also reaches PostgreSQL. Exit 0 when healthy, 1 otherwise.
"""

import os
import sys
import urllib.error
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is a failure here, not something to follow


def host_header() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        if host and host != "*":
            # ".example.org" allows example.org and its subdomains
            return host.lstrip(".")
    return "localhost"


def main() -> int:
    port = sys.argv[1] if len(sys.argv) > 1 else "8000"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host_header(), "X-Forwarded-Proto": "https", "User-Agent": "passerelle-healthcheck"},
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            body = response.read(64).decode("utf-8", "replace").strip()
            status = response.status
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    if status != 200 or body != "ok":
        print(f"unhealthy: HTTP {status} {body!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
