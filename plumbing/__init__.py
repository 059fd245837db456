"""The ground floor: the plumbing every app stands on and that knows none of them.

Events published after commit (``events``), the periodic job registry and its worker (``jobs``,
``worker``), the registry of live streams (``streams``) and the one websocket consumer that
serves them (``consumer``, with its batched reads in ``read_batches``, its fan-out in
``local_groups`` and its limits in ``websocket_limits``), and the client's address behind our
proxies (``client_address``). Nothing here imports a domain app or the access policy: a stream
brings its own checks when an app registers it.
"""
