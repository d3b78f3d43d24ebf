"""Developer tools for the course text's pipeline, outside the runtime package: the build
benchmark (``addictionbook bench``), Lighthouse runs and the Debian-package check."""
