"""The stylesheet's text colours against their backgrounds meet WCAG AA
(4.5:1 for body-size text): the stance badges and matrix links are read,
not decoration."""

import re
from pathlib import Path

import pytest

STYLESHEET = Path(__file__).parents[2] / "positions/static/positions/app.css"


def _variables() -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", STYLESHEET.read_text()))


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("stance", ["s2", "s1", "s0", "sm1", "sm2"])
def test_each_stance_badge_is_readable_on_its_background(stance):
    colours = _variables()

    assert contrast(colours[stance], colours[f"{stance}-bg"]) >= 4.5
    # The matrix draws the stance's text on the card behind its cell too.
    assert contrast(colours[stance], colours["card"]) >= 4.5


@pytest.mark.parametrize("text", ["ink", "muted", "accent", "danger"])
def test_body_text_colours_are_readable_on_paper_and_cards(text):
    colours = _variables()

    assert contrast(colours[text], colours["paper"]) >= 4.5
    assert contrast(colours[text], colours["card"]) >= 4.5
