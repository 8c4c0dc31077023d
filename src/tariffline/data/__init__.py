"""Official data: where each dataset comes from, how it is fetched, verified, cached or mirrored."""
