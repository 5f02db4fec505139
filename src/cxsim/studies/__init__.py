"""Studies of many runs: scenario comparisons, sensitivity, calibration, survival, reproduction."""
