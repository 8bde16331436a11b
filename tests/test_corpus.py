"""The parsed Shakespeare corpus, exactly: its length, who speaks in each play, and the file slips it repairs."""
import pytest

from gptlab.data import play_files, play_to_text, shakespeare

# Distinct speakers per play as parsed (a joint speaker such as 'QUEEN ELIZABETH & DUCHESS OF YORK' counts once).
SPEAKERS = {
    "a-midsummer-night-s-dream": 30, "as-you-like-it": 27, "love-s-labours-lost": 22,
    "much-ado-about-nothing": 24, "the-comedy-of-errors": 20, "the-merry-wives-of-windsor": 27,
    "twelfth-night": 18, "two-gentlemen-of-verona": 17, "edward-iii": 46, "henry-iv-part-1": 36,
    "henry-iv-part-2": 50, "henry-v": 47, "henry-vi-part-1": 54, "henry-vi-part-2": 65, "henry-vi-part-3": 46,
    "henry-viii": 46, "king-john": 29, "richard-ii": 36, "richard-iii": 71, "all-s-well-that-ends-well": 25,
    "measure-for-measure": 27, "the-merchant-of-venice": 23, "the-taming-of-the-shrew": 39,
    "troilus-and-cressida": 29, "antony-and-cleopatra": 56, "coriolanus": 63, "julius-caesar": 53,
    "titus-andronicus": 28, "a-winter-s-tale": 36, "cymbeline": 43, "pericles": 47, "the-tempest": 20,
    "hamlet": 40, "king-lear": 27, "macbeth": 42, "othello": 28, "romeo-and-juliet": 36, "timon-of-athens": 62,
}


def speakers(text: str) -> set[str]:
    return {speech.split(":\n", 1)[0] for speech in text.split("\n\n") if speech}


@pytest.fixture(scope="module")
def plays() -> dict[str, str]:
    return {path.stem: play_to_text(path.read_text(encoding="utf-8")) for path in play_files()}


def test_corpus_length_is_exact():
    assert len(shakespeare()) == 4_800_394  # quoted in gptlab.data.shakespeare's docstring
    assert len(set(shakespeare())) == 76


def test_speakers_per_play(plays):
    assert {name: len(speakers(text)) for name, text in plays.items()} == SPEAKERS


def test_names_split_over_two_paragraphs_are_joined(plays):
    hvi = speakers(plays["henry-vi-part-1"])
    assert {"BISHOP OF WINCHESTER", "CARDINAL OF WINCHESTER", "COUNTESS OF AUVERGNE", "RICHARD PLANTAGENET"} <= hvi
    assert not {"OF WINCHESTER", "OF AUVERGNE", "PLANTAGENET"} & hvi
    assert "\nBISHOP\n" not in plays["henry-vi-part-1"]  # no longer the last line of the speech before
    assert "\nGloucester, whate'er we like, thou art protector\n" in plays["henry-vi-part-1"]
    assert "LADY NORTHUMBERLAND" in speakers(plays["henry-iv-part-2"])
    assert "Ghost of BUCKINGHAM" in speakers(plays["richard-iii"])
    assert "DON ADRIANO DE ARMADO" in speakers(plays["love-s-labours-lost"])
    assert "Varro's First Servant" in speakers(plays["timon-of-athens"])
    # the end of a name after the speech: ANTIPHOLUS ... OF EPHESUS
    assert ("ANTIPHOLUS OF EPHESUS:\nDo you hear, you minion? you'll let us in, I hope?\n\n"
            in plays["the-comedy-of-errors"])


def test_speakers_written_at_the_start_of_a_line_get_their_speech(plays):
    timon = plays["timon-of-athens"]
    assert "Varro's Servant:\nI fear it.\n\n" in timon
    assert "\nVarro's Servant I fear it." not in timon  # not inside the previous speaker's speech
    assert "Lucilius' Servant:\nMany do keep their chambers are not sick:\n" in timon
    assert "Master-Gunner:\nSirrah, thou know'st how Orleans is besieged,\n" in plays["henry-vi-part-1"]
    assert "ALL SERVING-MEN:\nHere, here, sir; here, sir.\n\n" in plays["the-taming-of-the-shrew"]


def test_a_character_who_enters_alone_speaks_the_untagged_lines_after(plays):
    assert "TIMON:\nO blessed breeding sun, draw from the earth\n" in plays["timon-of-athens"]
    assert play_to_text("### SCENE I\n\n_Enter TIMON, from the cave_\n\nO sun!\n") == "TIMON:\nO sun!\n\n"
    assert play_to_text("### SCENE I\n\n_Enter TIMON and APEMANTUS_\n\nO sun!\n") == ""  # who? unknown


def test_an_unclosed_stage_direction_swallows_nothing_after_its_paragraph():
    md = ("**A**  \nFirst words.\n\n_Enter B, with\nthe others\n\n**B**  \nHi, all.\n\n"
          "**A**  \nWelcome.\n_Exit, with\n**B**  \nBye.\n")
    assert play_to_text(md) == "A:\nFirst words.\n\nB:\nHi, all.\n\nA:\nWelcome.\n\nB:\nBye.\n\n"
