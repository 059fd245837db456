"""What a websocket client may send: each limit closes the socket with its own code, after an
``error`` message that repeats nothing the client wrote (plumbing/websocket_limits.py)."""

import logging

import pytest

from plumbing.websocket_limits import (
    CLOSE_BAD_MESSAGE,
    CLOSE_MESSAGE_TOO_LARGE,
    CLOSE_TOO_MANY_MESSAGES,
    CLOSE_TOO_MANY_SOCKETS,
)
from tests.plumbing.test_consumer import make_member, open_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def assert_refused(communicator, code: str, close_code: int) -> None:
    """The socket says why in an ``error`` message, then closes with ``close_code``."""
    error = await communicator.receive_json_from(timeout=3)
    assert set(error) == {"type", "code", "message"}
    assert (error["type"], error["code"]) == ("error", code)
    closing = await communicator.receive_output(timeout=3)
    assert (closing["type"], closing["code"], closing.get("reason")) == ("websocket.close", close_code, code)


async def socket_and_request():
    """A member's socket and the request for their own memberships, which they may follow."""
    _organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    return communicator, {"subscribe": "organisations.membership", "key": str(user.pk)}


@pytest.fixture
def no_exception_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    # While the test ran: leaving the channel layer once the test's event loop is gone is not ours.
    logged = caplog.get_records("call")
    assert [record for record in logged if record.exc_info or record.levelno >= logging.ERROR] == []


async def test_a_message_over_the_size_limit_closes_the_socket_without_echo(settings, no_exception_logged):
    settings.WS_MAX_MESSAGE_BYTES = 64 * 1024
    _organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    # Just under the limit in characters, over it in bytes (é is two bytes in UTF-8).
    await communicator.send_to(text_data='{"subscribe": "x", "key": "' + "é" * 40_000 + '"}')
    await assert_refused(communicator, "message_too_large", CLOSE_MESSAGE_TOO_LARGE)

    communicator, _ = await open_socket(user)
    await communicator.send_to(text_data='{"subscribe": "' + "a" * 1024 * 1024 + '"}')
    await assert_refused(communicator, "message_too_large", CLOSE_MESSAGE_TOO_LARGE)


@pytest.mark.parametrize(
    "frame",
    [
        {"text_data": "[" * 30_000 + "]" * 30_000},  # deeply nested, under the size limit
        {"text_data": '{"subscribe": ' * 3_000 + "1" + "}" * 3_000},
        {"text_data": "{not json"},
        {"text_data": '["subscribe", "organisations.membership"]'},
        {"bytes_data": b'{"subscribe": "organisations.membership", "key": "1"}'},
    ],
    ids=["nested arrays", "nested objects", "not json", "not an object", "binary frame"],
)
async def test_a_malformed_or_deeply_nested_message_closes_the_socket_cleanly(frame, no_exception_logged):
    _organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_to(**frame)
    await assert_refused(communicator, "bad_message", CLOSE_BAD_MESSAGE)
    await communicator.disconnect()


async def test_a_flood_of_messages_closes_the_socket_once_the_budget_is_spent(settings, no_exception_logged):
    settings.WS_MESSAGE_BURST = 5
    settings.WS_MESSAGES_PER_SECOND = 0.01
    communicator, request = await socket_and_request()
    for _ in range(50):
        await communicator.send_json_to(request)
    for _ in range(5):
        assert (await communicator.receive_json_from(timeout=3))["type"] == "snapshot"
    await assert_refused(communicator, "too_many_messages", CLOSE_TOO_MANY_MESSAGES)
    # What the client queued after the refused message is dropped, not served.
    assert await communicator.receive_nothing(timeout=0.3)


async def test_the_budget_refills_at_the_configured_rate(settings):
    settings.WS_MESSAGE_BURST = 2
    settings.WS_MESSAGES_PER_SECOND = 20
    communicator, request = await socket_and_request()
    for _ in range(6):
        await communicator.send_json_to(request)
        assert (await communicator.receive_json_from(timeout=3))["type"] == "snapshot"
        await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_sockets_over_the_cap_per_user_are_closed_and_others_users_are_not_counted(settings):
    settings.WS_MAX_SOCKETS_PER_USER = 2
    _organisation, user = await make_member()
    _other_organisation, other_user = await make_member()
    first, _ = await open_socket(user)
    second, _ = await open_socket(user)
    third, accepted = await open_socket(user)
    assert accepted  # accepted, so that the browser sees the close code
    await assert_refused(third, "too_many_sockets", CLOSE_TOO_MANY_SOCKETS)
    others, _ = await open_socket(other_user)
    await others.send_json_to({"subscribe": "organisations.membership", "key": str(other_user.pk)})
    assert (await others.receive_json_from())["type"] == "snapshot"

    # A place freed by a closed socket can be taken again.
    await first.disconnect()
    fourth, _ = await open_socket(user)
    await fourth.send_json_to({"subscribe": "organisations.membership", "key": str(user.pk)})
    assert (await fourth.receive_json_from())["type"] == "snapshot"
    for communicator in (second, others, fourth):
        await communicator.disconnect()


@pytest.mark.parametrize(
    "request_",
    [
        {"subscribe": "organisations.membership", "key": "<script>" * 100},
        {"subscribe": "no such stream!" * 100, "key": "1"},
        {"subscribe": "organisations.membership", "key": [[["1"]]]},
        {"unsubscribe": "<b>bold</b>", "key": "1"},
        {"unsubscribe": "organisations.membership", "key": {"a": "<i>"}},
    ],
)
async def test_an_error_repeats_nothing_but_a_well_formed_stream_and_key(request_):
    _organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to(request_)
    answer = await communicator.receive_json_from()
    assert answer["type"] == "error"
    assert set(answer) == {"type", "code", "message"}
    await communicator.disconnect()


async def test_a_well_formed_key_is_repeated_so_that_the_client_knows_which_failed():
    _organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to({"subscribe": "organisations.membership", "key": "999999"})
    answer = await communicator.receive_json_from()
    assert (answer["code"], answer["stream"], answer["key"]) == ("not_found", "organisations.membership", "999999")
    await communicator.disconnect()
