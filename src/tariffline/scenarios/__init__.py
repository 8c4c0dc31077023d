"""What-if scenarios: overlays on the loaded policy, with static, partial- and general-equilibrium
effects (see docs/scenarios.md)."""
