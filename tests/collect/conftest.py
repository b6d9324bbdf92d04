import pytest

from tests.collect.portal import serve


@pytest.fixture
def portal():
    portal, server = serve()
    yield portal
    server.shutdown()
    server.server_close()
