import json

from medichat_trainer import dataset


def test_valid_lines_parse_and_blank_lines_are_skipped():
    text = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n\n'
    ds = dataset.parse(text)
    assert ds.ok and len(ds.examples) == 1


def test_errors_carry_line_numbers():
    good = json.dumps({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
    text = "\n".join([
        good,
        "{not json",
        json.dumps({"messages": [{"role": "doctor", "content": "x"}, {"role": "assistant", "content": "y"}]}),
        json.dumps({"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}),
        json.dumps({"text": "no messages"}),
        good,
    ])
    ds = dataset.parse(text)
    assert not ds.ok
    assert [e.line for e in ds.errors] == [2, 3, 4, 5]
    assert "JSON" in ds.errors[0].message
    assert "role" in ds.errors[1].message
    assert "assistant" in ds.errors[2].message


def test_empty_and_too_many_lines():
    assert not dataset.parse("\n\n").ok
    good = json.dumps({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
    ds = dataset.parse("\n".join([good] * 5), max_lines=3)
    assert ds.errors and ds.errors[0].line == 4


def test_split_is_deterministic_and_disjoint():
    items = list(range(20))
    tr, held = dataset.split(items, 0.2, seed=1)
    assert len(held) == 4 and len(tr) == 16
    assert sorted(tr + held) == items
    assert dataset.split(items, 0.2, seed=1) == (tr, held)
