"""Japan's tariffs on U.S. goods next to its FTA partners: schedule, programs, staging,
beef safeguard and parity (issue 3). The public verbs are in :mod:`tariffline.japan.api`."""
