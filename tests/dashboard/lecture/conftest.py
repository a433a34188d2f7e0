from ..join.poll import clock, store  # noqa: F401 - the fixtures
