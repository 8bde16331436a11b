import torch

from gptlab import checks, solutions
from gptlab.chat import ASSISTANT, END, SYSTEM, USER


def test_solutions_pass():
    assert checks.check_format_prompt(solutions.format_prompt).ok
    result = checks.check_generate_until_stop(solutions.generate_until_stop)
    assert result.ok, result.message


def test_format_prompt_mistakes():
    assert "not implemented" in checks.check_format_prompt(lambda s, q: (_ for _ in ()).throw(NotImplementedError())).message
    with_end = checks.check_format_prompt(lambda s, q: f"{SYSTEM}{s}{USER}{q}{ASSISTANT}{END}")
    assert not with_end.ok and "end marker" in with_end.message
    no_assistant = checks.check_format_prompt(lambda s, q: f"{SYSTEM}{s}{USER}{q}")
    assert "assistant marker" in no_assistant.message
    spaces = checks.check_format_prompt(lambda s, q: f"{SYSTEM} {s}\n{USER} {q}\n{ASSISTANT}")
    assert "extra spaces" in spaces.message
    order = checks.check_format_prompt(lambda s, q: f"{SYSTEM}{q}{USER}{s}{ASSISTANT}")
    assert "question before the system prompt" in order.message


@torch.no_grad()
def _loop(model, ids, stop_id, max_new_tokens, include_stop=False, crop=True, stop=True):
    ids, new = list(ids), []
    for _ in range(max_new_tokens):
        context = ids[-model.config.block_size:] if crop else ids
        nxt = int(model(torch.tensor([context]))[0][0, -1].argmax())
        if nxt == stop_id and stop:
            if include_stop:
                new.append(nxt)
            break
        ids.append(nxt)
        new.append(nxt)
    return new


def test_generate_until_stop_mistakes():
    keeps_stop = checks.check_generate_until_stop(lambda m, i, s, n: _loop(m, i, s, n, include_stop=True))
    assert not keeps_stop.ok and "leave it out" in keeps_stop.message
    no_crop = checks.check_generate_until_stop(lambda m, i, s, n: _loop(m, i, s, n, crop=False))
    assert not no_crop.ok and "context holds 8" in no_crop.message
    never_stops = checks.check_generate_until_stop(lambda m, i, s, n: _loop(m, i, s, n, stop=False))
    assert not never_stops.ok and "must end as soon as" in never_stops.message
    with_prompt = checks.check_generate_until_stop(lambda m, i, s, n: list(i) + _loop(m, i, s, n))
    assert "only the NEW tokens" in with_prompt.message
