"""Fuzz tests: print the tally of inputs tried, refusals, crashes and wrong answers."""

from fuzzkit import PROFILE, TALLY


def pytest_terminal_summary(terminalreporter):
    if not TALLY:
        return
    terminalreporter.section(f"fuzz tally (profile {PROFILE})")
    for key in sorted(TALLY):
        terminalreporter.write_line(f"{key}: {TALLY[key]}")
