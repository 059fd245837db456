"""The name key the duplicate check compares."""

from people.names import name_key


def test_the_joiners_a_name_may_hold_do_not_change_its_key():
    assert name_key("Te\u200dst", "Ana") == name_key("Test", "Ana") == "ana test"
    assert name_key("Ana", "Te\u200cst") == "ana test"
