"""`hearth export 903`: (being written)."""


def register(commands):
    pass
