"""The engine floor: common random numbers, levers and the compiled loops' switch."""
