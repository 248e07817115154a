from signalconso.forms import ids_from


def test_ids_from_keeps_only_primary_keys():
    # A letter, a superscript, a negative, a number beyond 64 bits: none reaches a query.
    assert ids_from(["1", "42", "abc", "²", "", "-3", "9" * 19, "9" * 18]) == {1, 42, int("9" * 18)}
