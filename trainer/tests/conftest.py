import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QA = [
    ("What helps a mild headache?", "Rest, water, and paracetamol at the label dose. See a doctor if it is sudden and severe."),
    ("Is a fever of 38 C dangerous?", "Usually not in adults. Drink fluids; seek care if it lasts over three days."),
    ("Can I take ibuprofen with food?", "Yes, taking ibuprofen with food is gentler on the stomach."),
    ("What is a normal resting heart rate?", "For adults it is usually 60 to 100 beats a minute."),
    ("Chest pain spreading to my arm?", "That can be a heart attack. Call emergency services now."),
]


def make_dataset(n: int = 30) -> str:
    lines = []
    for i in range(n):
        q, a = QA[i % len(QA)]
        lines.append(json.dumps({"messages": [
            {"role": "system", "content": "You are Medichat."},
            {"role": "user", "content": q},
            {"role": "assistant", "content": a},
        ]}))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def data_file(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("data") / "train.jsonl"
    p.write_text(make_dataset())
    return p


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, data_file) -> Path:
    from medichat_trainer import dataset
    from medichat_trainer.tiny import build_tiny_model
    from medichat_trainer.train import render

    ds = dataset.parse(data_file.read_text())
    out = tmp_path_factory.mktemp("tiny")
    return build_tiny_model(out, ["".join(render(m) for m in ex) for ex in ds.examples])
