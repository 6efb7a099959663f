"""Serving Hearth with gunicorn, the way production runs it (CONTRACT.md section 6)."""

import sys

from gunicorn.app.base import BaseApplication

WORKERS = 2
THREADS_PER_WORKER = 4


class HearthServer(BaseApplication):
    """gunicorn on `hearth.config.wsgi`: threaded workers, access log on stdout."""

    def __init__(self, bind):
        self.bind = bind
        super().__init__()

    def load_config(self):
        settings = {
            "bind": self.bind,
            "workers": WORKERS,
            "threads": THREADS_PER_WORKER,
            "worker_class": "gthread",
            "accesslog": "-",
            "errorlog": "-",
            # One control socket per user would collide between two Hearth servers on a machine.
            "control_socket_disable": True,
        }
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self):
        from hearth.config.wsgi import application

        return application


def serve_forever(bind):
    """Serve until interrupted. Nothing of this process may cross the fork into the workers: not
    its database connections, nor output still buffered (each worker would print it again)."""
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    HearthServer(bind).run()
