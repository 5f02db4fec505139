"""The studio: a what-if in the browser, built with controls and answered with CIs and money."""
