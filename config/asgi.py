"""ASGI entry point: HTTP to Django, websockets at /ws/ to the one stream consumer
(config/routing.py). In the embedded default the periodic jobs run in a thread of this process."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from config.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})

if settings.WORKER_IN_PROCESS:
    from plumbing.worker import start_in_process

    start_in_process()
